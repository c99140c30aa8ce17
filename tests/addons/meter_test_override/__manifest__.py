{
    "name": "Meter Management: test override of stock validation",
    "summary": "Test only: overrides stock.move._action_done to leave a marker; installed by "
    "scripts/test.sh to prove that the meter stock engine then takes Odoo's own path.",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "LGPL-3",
    "author": "Meter Management",
    "depends": ["meter_management"],
    "installable": True,
}
