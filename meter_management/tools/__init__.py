from . import meter_numbers
from . import messages
