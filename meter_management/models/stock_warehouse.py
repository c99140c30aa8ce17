from odoo import api, fields, models

METER_ROLES = [
    ("central", "Central store"),
    ("regional", "Regional store"),
    ("laboratory", "Laboratory"),
]


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    meter_role = fields.Selection(
        METER_ROLES,
        index=True,
        help="The part this warehouse plays in the meter flows. Setting it creates the "
        "locations those flows need.",
    )
    meter_rejected_location_id = fields.Many2one(
        "stock.location", string="Rejected Meters Location", check_company=True, copy=False
    )
    meter_lab_queue_location_id = fields.Many2one(
        "stock.location", string="Laboratory Queue", check_company=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses.filtered("meter_role")._create_meter_locations()
        return warehouses

    def write(self, vals):
        result = super().write(vals)
        if vals.get("meter_role"):
            self._create_meter_locations()
        return result

    def _get_meter_locations_values(self):
        """Locations the meter flows need, by warehouse field: ``{field: vals}``."""
        self.ensure_one()
        values = {
            "meter_rejected_location_id": {
                "name": self.env._("Rejected Meters"),
                "usage": "internal",
                "meter_usage": "rejected",
            },
        }
        if self.meter_role == "laboratory":
            values["meter_lab_queue_location_id"] = {
                "name": self.env._("Laboratory Queue"),
                "usage": "internal",
                "meter_usage": "laboratory",
            }
        return values

    def _create_meter_locations(self):
        Location = self.env["stock.location"].sudo()
        for warehouse in self:
            if warehouse.lot_stock_id and not warehouse.lot_stock_id.meter_usage:
                warehouse.lot_stock_id.sudo().meter_usage = "store"
            to_write = {}
            for field_name, vals in warehouse._get_meter_locations_values().items():
                if warehouse[field_name]:
                    continue
                to_write[field_name] = Location.create(
                    {
                        **vals,
                        "location_id": warehouse.view_location_id.id,
                        "company_id": warehouse.company_id.id,
                    }
                ).id
            if to_write:
                super(StockWarehouse, warehouse).write(to_write)
        return True
