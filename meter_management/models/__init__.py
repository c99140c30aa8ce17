from . import (
    meter_group,
    meter_register,
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
