from . import test_meter_numbers
from . import test_meter_type
from . import test_range_registration
from . import test_meter_register
from . import test_security
from . import test_ui
