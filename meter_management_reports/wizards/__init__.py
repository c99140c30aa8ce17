from . import meter_calibration_queue_wizard
from . import meter_movement_report_wizard
from . import (
    meter_field_work_report_common,
    meter_anomaly_report_wizard,
    meter_service_order_report_wizard,
)
