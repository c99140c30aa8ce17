from . import meter_range_registration
