from . import (
    meter_calibration,
    meter_calibration_line,
    meter_calibration_results,
    meter_calibration_notice,
    meter_group,
    meter_register,
    meter_sampling_plan,
    meter_type_register,
    meter_use_type,
    product_template,
    res_company,
    res_config_settings,
    stock_location,
    stock_lot,
    stock_warehouse,
)
from . import stock_move_line
from . import meter_service_point, meter_installation, meter_reading
from . import meter_movement_reason, stock_picking_type, stock_picking
from . import meter_anomaly_type, meter_anomaly, meter_anomaly_detection, meter_anomaly_import
from . import meter_reading_correction
from . import meter_service_order_stage, meter_service_order
from . import meter_stock_engine, meter_stock_engine_transfer
from . import stock_move
from . import meter_stock_engine_valuation
