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
    meter_responsible_id = fields.Many2one(
        "res.users",
        string="Store Responsible",
        help="Receives the daily summary of this store's meters falling due for calibration.",
    )
    meter_rejected_location_id = fields.Many2one(
        "stock.location", string="Rejected Meters Location", check_company=True, copy=False
    )
    meter_lab_queue_location_id = fields.Many2one(
        "stock.location", string="Laboratory Queue", check_company=True, copy=False
    )
    meter_reference_standard = fields.Char(
        string="Reference Standard",
        help="A laboratory's reference standard (number, certificate, valid until): printed "
        "on its calibration certificates.",
    )
    meter_test_equipment = fields.Char(
        string="Laboratory Equipment",
        help="A laboratory's test bench and instruments: printed on its calibration certificates.",
    )
    meter_dispatch_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Dispatch Type", check_company=True, copy=False
    )
    meter_reception_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Reception Type", check_company=True, copy=False
    )
    meter_rejection_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Rejection Type", check_company=True, copy=False
    )
    meter_return_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Return Type", check_company=True, copy=False
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
        self._create_meter_picking_types()
        return True

    def _get_meter_picking_types_values(self):
        """Meter operation types of this store, by warehouse field: ``{field: vals}``."""
        self.ensure_one()
        transit = self.company_id.internal_transit_location_id
        supplier = self.env.ref("stock.stock_location_suppliers")
        common = {
            "company_id": self.company_id.id,
            "warehouse_id": self.id,
            "use_create_lots": False,
            "use_existing_lots": True,
            # meters are picked by number, never reserved at random
            "reservation_method": "manual",
        }
        return {
            "meter_dispatch_type_id": {
                **common,
                "name": self.env._("Meter Dispatches"),
                "code": "internal",
                "sequence_code": "MDSP",
                "meter_movement_kind": "dispatch",
                "default_location_src_id": self.lot_stock_id.id,
                "default_location_dest_id": transit.id,
            },
            "meter_reception_type_id": {
                **common,
                "name": self.env._("Meter Receptions"),
                "code": "internal",
                "sequence_code": "MRCP",
                "meter_movement_kind": "reception",
                "default_location_src_id": transit.id,
                "default_location_dest_id": self.lot_stock_id.id,
            },
            "meter_rejection_type_id": {
                **common,
                "name": self.env._("Meter Rejections"),
                "code": "internal",
                "sequence_code": "MREJ",
                "meter_movement_kind": "rejection",
                "default_location_src_id": self.lot_stock_id.id,
                "default_location_dest_id": self.meter_rejected_location_id.id,
            },
            "meter_return_type_id": {
                **common,
                "name": self.env._("Meter Returns to Supplier"),
                "code": "outgoing",
                "sequence_code": "MRET",
                "meter_movement_kind": "return",
                "default_location_src_id": self.meter_rejected_location_id.id,
                "default_location_dest_id": supplier.id,
            },
        }

    def _create_meter_picking_types(self):
        """Create the meter operation types a store needs (receipt is the standard one)."""
        PickingType = self.env["stock.picking.type"].sudo()
        for warehouse in self:
            transit = warehouse.company_id.internal_transit_location_id
            if transit and not transit.active:
                transit.sudo().active = True
            if warehouse.in_type_id and not warehouse.in_type_id.meter_movement_kind:
                warehouse.in_type_id.sudo().meter_movement_kind = "receipt"
            to_write = {}
            for field_name, vals in warehouse._get_meter_picking_types_values().items():
                if warehouse[field_name]:
                    continue
                sequence = (
                    self.env["ir.sequence"]
                    .sudo()
                    .create(
                        {
                            "name": f"{warehouse.name} {vals['name']}",
                            "prefix": f"{warehouse.code}/{vals['sequence_code']}/",
                            "padding": 5,
                            "company_id": warehouse.company_id.id,
                        }
                    )
                )
                to_write[field_name] = PickingType.create({**vals, "sequence_id": sequence.id}).id
            if to_write:
                super(StockWarehouse, warehouse).write(to_write)
            if warehouse.meter_rejection_type_id and warehouse.meter_return_type_id:
                warehouse.meter_rejection_type_id.sudo().return_picking_type_id = (
                    warehouse.meter_return_type_id
                )
            if warehouse.meter_dispatch_type_id and warehouse.meter_reception_type_id:
                # meters sent back from transit are received again by the store that sent them
                warehouse.meter_dispatch_type_id.sudo().return_picking_type_id = (
                    warehouse.meter_reception_type_id
                )
        return True
