from . import test_calibration_queue
from . import test_movement_report
from . import test_movement_report_tour
from . import test_movement_kinds
from . import test_field_work_reports
from . import test_spanish_reports
