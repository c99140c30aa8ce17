from odoo import api, fields, models
from odoo.addons.meter_management.models.stock_picking_type import METER_MOVEMENT_KINDS
from odoo.tools import SQL, create_index


class MeterMovementReport(models.Model):
    """Meter movements between stores: one row per validated meter picking, with the pair of
    stores it links (from → to), its kind, reason, month and number of meters.

    From and to: a receipt comes from the supplier (no store) into its store; a dispatch goes
    from its store to its destination store; a reception, and a rejection on arrival, link
    the store that sent the meters to the store that receives them; a rejection in a store
    stays in that store; a return goes from the store to the supplier (no store); an
    installation goes from the store to a service point (no store), a removal from a service
    point to the store; a move to a laboratory goes to the laboratory's store.
    """

    _name = "meter.movement.report"
    _description = "Meter Movements Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "reference"

    picking_id = fields.Many2one("stock.picking", string="Movement", readonly=True)
    reference = fields.Char(readonly=True)
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(METER_MOVEMENT_KINDS, readonly=True)
    reason_id = fields.Many2one("meter.movement.reason", string="Reason", readonly=True)
    from_warehouse_id = fields.Many2one("stock.warehouse", string="From Store", readonly=True)
    to_warehouse_id = fields.Many2one("stock.warehouse", string="To Store", readonly=True)
    # what lies outside the stores is named too: a receipt comes from the supplier, an
    # installation goes to the service points
    origin = fields.Char(string="From", readonly=True)
    destination = fields.Char(string="To", readonly=True)
    store_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        readonly=True,
        help="The store whose operation this is.",
    )
    product_id = fields.Many2one("product.product", string="Meter Type", readonly=True)
    meter_count = fields.Integer(string="Meters", readonly=True, aggregator="sum")

    @api.model
    def _get_query(self):
        outside = SQL(
            """CASE WHEN p.meter_movement_kind IN ('installation', 'removal') THEN %s
                    ELSE %s END""",
            self.env._("Service points"),
            self.env._("Supplier"),
        )
        return SQL(
            """
            SELECT movement.*,
                   COALESCE(from_wh.name, movement.outside) AS origin,
                   COALESCE(to_wh.name, movement.outside) AS destination
              FROM (%(movements)s) movement
              LEFT JOIN stock_warehouse from_wh ON from_wh.id = movement.from_warehouse_id
              LEFT JOIN stock_warehouse to_wh ON to_wh.id = movement.to_warehouse_id
            """,
            movements=self._get_movements_query(outside),
        )

    @api.model
    def _get_movements_query(self, outside):
        return SQL(
            """
            SELECT min(ml.id) AS id, p.id AS picking_id, p.name AS reference, p.date_done AS date,
                   p.company_id, p.meter_movement_kind AS kind, p.meter_reason_id AS reason_id,
                   CASE WHEN p.meter_movement_kind IN ('receipt', 'removal', 'conversion') THEN NULL
                        WHEN p.meter_dispatch_id IS NOT NULL THEN dispatch_type.warehouse_id
                        ELSE pt.warehouse_id END AS from_warehouse_id,
                   CASE WHEN p.meter_movement_kind = 'dispatch' THEN p.meter_dest_warehouse_id
                        WHEN p.meter_movement_kind IN ('return', 'installation') THEN NULL
                        WHEN p.meter_movement_kind = 'laboratory' THEN dest.warehouse_id
                        ELSE pt.warehouse_id END AS to_warehouse_id,
                   pt.warehouse_id AS store_id, ml.product_id,
                   count(*)::int AS meter_count, %(outside)s AS outside
              FROM stock_picking p
              JOIN stock_picking_type pt ON pt.id = p.picking_type_id
              JOIN stock_move_line ml ON ml.picking_id = p.id AND ml.state = 'done'
                                     AND ml.lot_id IS NOT NULL
              JOIN stock_location dest ON dest.id = p.location_dest_id
              LEFT JOIN stock_picking dispatch ON dispatch.id = p.meter_dispatch_id
              LEFT JOIN stock_picking_type dispatch_type ON dispatch_type.id = dispatch.picking_type_id
             WHERE p.state = 'done' AND p.meter_movement_kind IS NOT NULL
             GROUP BY p.id, pt.warehouse_id, dispatch_type.warehouse_id, dest.warehouse_id, ml.product_id
            """,
            outside=outside,
        )

    def init(self):
        create_index(
            self.env.cr,
            "stock_picking_meter_movement_date_idx",
            "stock_picking",
            ["meter_movement_kind", "date_done"],
            where="meter_movement_kind IS NOT NULL AND state = 'done'",
        )
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._get_query(),
            )
        )
