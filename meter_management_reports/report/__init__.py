from . import meter_calibration_queue_report
from . import meter_movement_report, report_meter_movements
from . import report_meter_field_work
