from . import meter_numbers
