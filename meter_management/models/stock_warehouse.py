from odoo import api, fields, models

METER_ROLES = [
    ("central", "Central store"),
    ("regional", "Regional store"),
    ("laboratory", "Laboratory"),
]

# meter operation types of a store: field -> (sequence code, movement kind, operation code)
METER_PICKING_TYPES = {
    "meter_dispatch_type_id": ("MDSP", "dispatch", "internal"),
    "meter_reception_type_id": ("MRCP", "reception", "internal"),
    "meter_rejection_type_id": ("MREJ", "rejection", "internal"),
    "meter_return_type_id": ("MRET", "return", "outgoing"),
    "meter_install_type_id": ("MINS", "installation", "outgoing"),
    "meter_removal_type_id": ("MREM", "removal", "incoming"),
    "meter_laboratory_type_id": ("MLAB", "laboratory", "internal"),
}


class StockWarehouse(models.Model):
    """A store of meters: its role gives it the locations and operation types of the meter
    flows, made through the warehouse's own hooks (``_get_locations_values``,
    ``_get_sequence_values``, ``_get_picking_type_create_values``,
    ``_get_picking_type_update_values``) so that renaming, recoding and archiving the store
    carry them, as for the warehouse's own operation types."""

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
    meter_install_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Installation Type", check_company=True, copy=False
    )
    meter_removal_type_id = fields.Many2one(
        "stock.picking.type", string="Meter Removal Type", check_company=True, copy=False
    )
    meter_laboratory_type_id = fields.Many2one(
        "stock.picking.type",
        string="Meter Laboratory Type",
        check_company=True,
        copy=False,
        help="Moves of meters into or out of a laboratory queue.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses.filtered("meter_role")._update_meter_role()
        return warehouses

    def write(self, vals):
        result = super().write(vals)
        if "meter_role" in vals:
            warehouses = self.with_context(active_test=False)
            warehouses._update_meter_role()
            for warehouse in warehouses:
                new_types = warehouse._create_or_update_sequences_and_picking_types()
                if new_types:
                    warehouse.write(new_types)
        return result

    def _update_meter_role(self):
        """What follows a store's role besides its operation types: its locations' activity
        and meter usage, the company's transit location."""
        for warehouse in self.sudo():
            role = warehouse.meter_role
            if role and warehouse.lot_stock_id and not warehouse.lot_stock_id.meter_usage:
                warehouse.lot_stock_id.meter_usage = "store"
            warehouse.meter_rejected_location_id.active = bool(role) and warehouse.active
            warehouse.meter_lab_queue_location_id.active = role == "laboratory" and warehouse.active
            transit = warehouse.company_id.internal_transit_location_id
            if role and transit and not transit.active:
                transit.active = True
            if role and warehouse.in_type_id:
                warehouse.in_type_id.meter_movement_kind = "receipt"

    # ------------------------------------------------------------------
    # The warehouse's own hooks
    # ------------------------------------------------------------------

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        role = vals.get("meter_role", self[:1].meter_role)
        values.update(
            {
                "meter_rejected_location_id": {
                    "name": self.env._("Rejected Meters"),
                    "active": bool(role),
                    "usage": "internal",
                    "meter_usage": "rejected",
                },
                "meter_lab_queue_location_id": {
                    "name": self.env._("Laboratory Queue"),
                    "active": role == "laboratory",
                    "usage": "internal",
                    "meter_usage": "laboratory",
                },
            }
        )
        return values

    def _get_sequence_values(self, name=False, code=False):
        values = super()._get_sequence_values(name=name, code=code)
        name = name or self.name
        code = code or self.code
        names = self._get_meter_picking_type_names()
        for field_name, (sequence_code, _kind, _code) in METER_PICKING_TYPES.items():
            values[field_name] = {
                "name": self.env._(
                    "%(store)s Sequence %(type)s", store=name, type=names[field_name]
                ),
                "prefix": f"{code}/{self[field_name].sequence_code or sequence_code}/",
                "padding": 5,
                "company_id": self.company_id.id,
            }
        return values

    def _get_picking_type_create_values(self, max_sequence):
        data, next_sequence = super()._get_picking_type_create_values(max_sequence)
        names = self._get_meter_picking_type_names()
        for index, (field_name, (sequence_code, kind, code)) in enumerate(
            METER_PICKING_TYPES.items()
        ):
            data[field_name] = {
                "name": names[field_name],
                "code": code,
                "sequence_code": sequence_code,
                "sequence": next_sequence + index,
                "meter_movement_kind": kind,
                "company_id": self.company_id.id,
                "use_create_lots": False,
                "use_existing_lots": True,
                # meters are picked by number, never reserved at random
                "reservation_method": "manual",
            }
        return data, next_sequence + len(METER_PICKING_TYPES)

    def _get_picking_type_update_values(self):
        data = super()._get_picking_type_update_values()
        active = bool(self.meter_role) and self.active
        barcode = self.code.replace(" ", "").upper()
        for field_name, (sequence_code, _kind, _code) in METER_PICKING_TYPES.items():
            data[field_name] = {
                **self._get_meter_picking_type_locations()[field_name],
                "active": active,
                "barcode": barcode + sequence_code,
            }
        return data

    def _create_or_update_sequences_and_picking_types(self):
        new_types = super()._create_or_update_sequences_and_picking_types()
        types = {
            field_name: self.env["stock.picking.type"].browse(
                new_types.get(field_name) or self[field_name].id
            )
            for field_name in METER_PICKING_TYPES
        }
        # rejected meters go back to the supplier; meters sent back from transit are
        # received again by the store that sent them
        types["meter_rejection_type_id"].return_picking_type_id = types["meter_return_type_id"]
        types["meter_dispatch_type_id"].return_picking_type_id = types["meter_reception_type_id"]
        types["meter_install_type_id"].return_picking_type_id = types["meter_removal_type_id"]
        return new_types

    def _update_name_and_code(self, new_name=False, new_code=False):
        result = super()._update_name_and_code(new_name=new_name, new_code=new_code)
        for warehouse in self:
            sequence_data = warehouse._get_sequence_values(name=new_name, code=new_code)
            for field_name in METER_PICKING_TYPES:
                warehouse[field_name].sudo().sequence_id.write(sequence_data[field_name])
        return result

    # ------------------------------------------------------------------
    # Meter operation types
    # ------------------------------------------------------------------

    def _get_meter_picking_type_names(self):
        return {
            "meter_dispatch_type_id": self.env._("Meter Dispatches"),
            "meter_reception_type_id": self.env._("Meter Receptions"),
            "meter_rejection_type_id": self.env._("Meter Rejections"),
            "meter_return_type_id": self.env._("Meter Returns to Supplier"),
            "meter_install_type_id": self.env._("Meter Installations"),
            "meter_removal_type_id": self.env._("Meter Removals"),
            "meter_laboratory_type_id": self.env._("Meters to Laboratory"),
        }

    def _get_meter_picking_type_locations(self):
        """Default source and destination of each meter operation type of this store (hook).

        A laboratory receives meters into its queue: they are waiting for calibration."""
        self.ensure_one()
        company = self.company_id
        transit = company.internal_transit_location_id
        supplier = self.env.ref("stock.stock_location_suppliers")
        installed = company._get_meter_installed_location()
        stock = self.lot_stock_id
        rejected = self.meter_rejected_location_id
        arrival = (
            self.meter_lab_queue_location_id if self.meter_role == "laboratory" else False
        ) or stock
        laboratory = self._get_meter_laboratory_queue() or stock
        locations = {
            "meter_dispatch_type_id": (stock, transit),
            "meter_reception_type_id": (transit, arrival),
            "meter_rejection_type_id": (stock, rejected),
            "meter_return_type_id": (rejected, supplier),
            "meter_install_type_id": (stock, installed),
            "meter_removal_type_id": (installed, stock),
            "meter_laboratory_type_id": (stock, laboratory),
        }
        return {
            field_name: {
                "default_location_src_id": source.id if source else False,
                "default_location_dest_id": dest.id if dest else False,
            }
            for field_name, (source, dest) in locations.items()
        }

    def _get_meter_laboratory_queue(self):
        """The laboratory queue this store sends meters to: its own, or that of the
        company's calibration laboratory."""
        self.ensure_one()
        if self.meter_role == "laboratory" and self.meter_lab_queue_location_id:
            return self.meter_lab_queue_location_id
        laboratory = self.company_id.meter_calibration_laboratory_id
        return laboratory.meter_lab_queue_location_id
