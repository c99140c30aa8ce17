from . import meter_range_registration
from . import meter_arrival_rejection, stock_return_picking
from . import meter_calibration_batch
from . import meter_installation_wizard, meter_reading_import, meter_billing_consumption
from . import meter_anomaly_resolve
from . import meter_service_order_complete
