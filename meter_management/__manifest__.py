{
    "name": "Meter Management",
    "summary": "Electricity meters in the inventory: numbers, registers and multipliers, "
    "stores, movements, calibration, installations and readings",
    "version": "18.0.1.0.0",
    "category": "Inventory/Meters",
    "website": "https://github.com/meter-management/meter-management",
    "author": "Meter Management founders",
    "maintainers": ["meter-management"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": ["stock", "mail"],
    "data": [
        "security/meter_management_groups.xml",
        "security/ir.model.access.csv",
        "security/meter_management_rules.xml",
        "data/ir_sequence_data.xml",
        "data/meter_use_type_data.xml",
        "wizards/meter_range_registration_views.xml",
        "views/meter_register_views.xml",
        "views/product_template_views.xml",
        "views/meter_use_type_views.xml",
        "views/meter_group_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_config_settings_views.xml",
        "views/meter_management_menus.xml",
    ],
    "demo": [
        "demo/meter_management_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "meter_management/static/tests/tours/*.js",
        ],
    },
}
