{
    "name": "Meter Management Reports",
    "summary": "Printed reports and analysis of meters: movements between stores, "
    "calibration queue, anomalies, service orders",
    "version": "18.0.1.0.0",
    "category": "Inventory/Meters",
    "website": "https://github.com/meter-management/meter-management",
    "author": "Meter Management founders",
    "maintainers": ["meter-management"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["meter_management"],
    "data": [
        "security/ir.model.access.csv",
        "views/meter_management_reports_menus.xml",
    ],
}
