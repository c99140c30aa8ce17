from . import meter_calibration_queue_wizard
from . import meter_movement_report_wizard
