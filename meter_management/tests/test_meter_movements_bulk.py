from odoo.tests import tagged
from odoo.tools import SQL

from .test_meter_movements import MeterMovementCommon

SKIP = {
    "id",
    "create_date",
    "write_date",
    "date",
    "date_done",
    "in_date",
    "reference",
    "lot_id",
    "move_id",
    "picking_id",
    "name",
    "origin",
    "scheduled_date",
    "date_deadline",
    "reservation_date",
    "inventory_date",
    "meter_dispatch_id",
    "backorder_id",
    "sequence",
}


# also run with stock_account (scripts/test.sh, second configuration)
@tagged("post_install", "-at_install", "meter_stock_engine")
class TestMeterMovementsBulk(MeterMovementCommon):
    """The set-based paths leave the records Odoo's own paths leave."""

    def _rows(self, table, where, params):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT * FROM %s WHERE %s ORDER BY id", SQL.identifier(table), SQL(where, *params))
        )
        return [
            {key: value for key, value in row.items() if key not in SKIP}
            for row in self.env.cr.dictfetchall()
        ]

    def _assert_same_rows(self, table, column, ours, theirs):
        mine = self._rows(table, f"{column} = ANY(%s)", [ours.ids])
        odoo = self._rows(table, f"{column} = ANY(%s)", [theirs.ids])
        self.assertEqual(len(mine), len(odoo), table)
        self.maxDiff = None
        self.assertEqual(mine, odoo, table)

    def _odoo_dispatch(self, numbers):
        """A dispatch whose lines are created by ``stock.move.line.create`` one per lot."""
        dispatch = self._new_meter_picking(self.central, "dispatch", dest_store=self.regional)
        lots = self._meters(*numbers)
        move = self.env["stock.move"].create(
            dispatch._prepare_meter_move_vals(self.single_phase.id, len(lots))
        )
        move._action_confirm(merge=False)
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "picking_id": dispatch.id,
                    "product_id": self.single_phase.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    # pasted meters are picked, as scanned ones
                    "picked": True,
                    "location_id": dispatch.location_id.id,
                    "location_dest_id": dispatch.location_dest_id.id,
                }
                for lot in lots
            ]
        )
        return dispatch

    def test_same_records_as_odoo(self):
        self._register_range("C001", "C004")
        self._register_range("D001", "D004")
        ours = self._dispatch("C001-C004", validate=False)
        theirs = self._odoo_dispatch(["D001", "D002", "D003", "D004"])
        # entered lines: the same reserved lot lines and reservations
        self._assert_same_rows("stock_move_line", "picking_id", ours, theirs)
        self._assert_same_rows("stock_move", "picking_id", ours, theirs)
        ours_lots = ours.move_line_ids.lot_id
        theirs_lots = theirs.move_line_ids.lot_id
        self._assert_same_rows("stock_quant", "lot_id", ours_lots, theirs_lots)
        self.assertEqual(ours.state, theirs.state)

        # validated: our set-based path against Odoo's
        self.assertEqual(self.env["meter.stock.engine"].get_fast_done_pickings(ours), ours)
        ours.button_validate()
        theirs.with_context(meter_no_bulk_done=True).button_validate()
        self.assertEqual((ours.state, theirs.state), ("done", "done"))
        self._assert_same_rows("stock_move_line", "picking_id", ours, theirs)
        self._assert_same_rows("stock_move", "picking_id", ours, theirs)
        self._assert_same_rows("stock_quant", "lot_id", ours_lots, theirs_lots)
        self._assert_same_rows(
            "stock_picking",
            "id",
            ours,
            theirs,
        )
        ours_lots.invalidate_recordset()
        theirs_lots.invalidate_recordset()
        self.assertEqual(ours_lots.location_id, theirs_lots.location_id)
        self.assertEqual(set(ours_lots.mapped("meter_state")), {"transit"})
        self.assertEqual(set(theirs_lots.mapped("meter_state")), {"transit"})
        # both receptions hold their meters reserved in transit
        self._assert_same_rows(
            "stock_move_line", "picking_id", ours.meter_arrival_ids, theirs.meter_arrival_ids
        )
        if "stock.valuation.layer" in self.env:
            # stock_account installed: transfers between stores stay value-neutral
            self._assert_same_rows(
                "stock_valuation_layer",
                "stock_move_id",
                (ours | ours.meter_arrival_ids).move_ids,
                (theirs | theirs.meter_arrival_ids).move_ids,
            )
        # and are received the same way
        ours.meter_arrival_ids.button_validate()
        theirs.meter_arrival_ids.with_context(meter_no_bulk_done=True).button_validate()
        self._assert_same_rows("stock_quant", "lot_id", ours_lots, theirs_lots)
        self._assert_same_rows(
            "stock_move_line", "picking_id", ours.meter_arrival_ids, theirs.meter_arrival_ids
        )

    def _state_tracking(self, picking):
        """``[(old, new)]`` of the picking's tracked state, as its chatter shows it."""
        # mail posts the tracking when the transaction is flushed (before the commit)
        self.env.cr.flush()
        self.env.invalidate_all()
        values = picking.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        return sorted((value.old_value_char, value.new_value_char) for value in values)

    def test_chatter_tracks_the_validation_as_odoo(self):
        # as a user's, with the mail tracking the test class turns off
        self.patch(
            type(self),
            "env",
            self.env(context=dict(self.env.context, tracking_disable=False, mail_notrack=False)),
        )
        self._register_range("G001", "G002")
        self._register_range("H001", "H002")
        ours = self._dispatch("G001-G002", validate=False)
        theirs = self._odoo_dispatch(["H001", "H002"])
        # the transfers were saved by an earlier request: mail tracks no record in the
        # transaction that creates it, so end that one as a commit would (precommit run)
        self.env.cr.flush()
        self.assertEqual(self.env["meter.stock.engine"].get_fast_done_pickings(ours), ours)
        ours.button_validate()
        theirs.with_context(meter_no_bulk_done=True).button_validate()
        self.assertIn(("Ready", "Done"), self._state_tracking(theirs))
        self.assertEqual(self._state_tracking(ours), self._state_tracking(theirs))

    def _count_dispatch_queries(self, first, count):
        self._register_range(first, quantity=count)
        dispatch = self._new_meter_picking(self.central, "dispatch", dest_store=self.regional)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        dispatch._add_meter_numbers(self._range_text(first, count))
        dispatch.button_validate()
        self.env.flush_all()
        self.assertEqual(dispatch.state, "done")
        self.assertEqual(len(dispatch.meter_arrival_ids.move_line_ids), count)
        return self.env.cr.sql_log_count - start

    @staticmethod
    def _range_text(first, count):
        prefix, digits = first[0], first[1:]
        last = f"{prefix}{int(digits) + count - 1:0{len(digits)}d}"
        return f"{first}-{last}"

    def test_query_count_does_not_grow_with_meters(self):
        small = self._count_dispatch_queries("E00001", 10)
        large = self._count_dispatch_queries("F00001", 300)
        larger = self._count_dispatch_queries("G00001", 900)
        # entered by range, validated, reception created: the same queries for any size
        self.assertLessEqual(large, small, f"{small} queries for 10 meters, {large} for 300")
        self.assertLessEqual(larger, small, f"{small} queries for 10 meters, {larger} for 900")
