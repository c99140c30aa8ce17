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
        "security/meter_management_reports_rules.xml",
        "report/meter_calibration_queue_report_views.xml",
        "report/meter_calibration_queue_reports.xml",
        "report/meter_calibration_queue_templates.xml",
        "wizards/meter_calibration_queue_wizard_views.xml",
        "report/meter_movement_report_views.xml",
        "report/meter_movement_reports.xml",
        "report/meter_movement_templates.xml",
        "wizards/meter_movement_report_wizard_views.xml",
        "report/meter_field_work_reports.xml",
        "report/meter_field_work_templates.xml",
        "wizards/meter_field_work_report_wizard_views.xml",
        "views/meter_management_reports_menus.xml",
        "views/stock_picking_views.xml",
    ],
    "assets": {
        "web.assets_backend_lazy": [
            "meter_management_reports/static/src/views/*.js",
        ],
        "web.assets_tests": [
            "meter_management_reports/static/tests/tours/*.js",
        ],
    },
}
