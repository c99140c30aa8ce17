from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import METERS_RECEIVED_ON
from .test_meter_movements import MeterMovementCommon

# columns that differ between two receipts by nature
LAYER_SKIP = {
    "id",
    "create_date",
    "write_date",
    "stock_move_id",
    "description",
    "lot_id",
    "account_move_id",
}
ENTRY_SKIP = {"id", "create_date", "write_date", "move_id", "move_name", "name", "ref"}


@tagged("post_install", "-at_install", "meter_stock_account")
class TestStockEngineValuation(MeterMovementCommon):
    """With stock_account, the engine's fast paths leave the valuation Odoo's own paths leave:
    run only on a database with stock_account (scripts/test.sh, second run)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert "stock.valuation.layer" in cls.env, "run these tests with stock_account installed"
        Account = cls.env["account.account"]

        def account(code, account_type):
            return Account.create(
                {
                    "name": f"Test {code}",
                    "code": code,
                    "account_type": account_type,
                    "company_ids": [cls.company.id],
                }
            )

        cls.valuation_account = account("T1100", "asset_current")
        cls.input_account = account("T2100", "liability_current")
        cls.output_account = account("T2200", "liability_current")
        cls.journal = cls.env["account.journal"].create(
            {
                "name": "Stock (test)",
                "code": "TSTK",
                "type": "general",
                "company_id": cls.company.id,
            }
        )

    def _meter_type(self, cost_method, valuation="real_time", lot_valuated=False):
        category = self.env["product.category"].create(
            {
                "name": f"Meters {cost_method} {valuation}",
                "property_cost_method": cost_method,
                "property_valuation": valuation,
                "property_stock_valuation_account_id": self.valuation_account.id,
                "property_stock_account_input_categ_id": self.input_account.id,
                "property_stock_account_output_categ_id": self.output_account.id,
                "property_stock_journal": self.journal.id,
            }
        )
        return self._create_meter_type(
            f"Meter {cost_method} {lot_valuated}",
            registers=[{"register_type": "active", "digits": 5, "decimals": 1}],
            categ_id=category.id,
            standard_price=50.0,
            lot_valuated=lot_valuated,
        )

    def _rows(self, table, skip, where):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT * FROM %s WHERE %s ORDER BY id", SQL.identifier(table), where)
        )
        return [
            {k: v for k, v in row.items() if k not in skip} for row in self.env.cr.dictfetchall()
        ]

    def _valuation(self, pickings):
        """The layers and journal items of these pickings' moves, without their ids."""
        self.maxDiff = None
        moves = pickings.move_ids
        layers = self._rows(
            "stock_valuation_layer", LAYER_SKIP, SQL("stock_move_id = ANY(%s)", moves.ids)
        )
        entries = self._rows(
            "account_move_line",
            ENTRY_SKIP,
            SQL(
                "move_id IN (SELECT account_move_id FROM stock_valuation_layer "
                "WHERE stock_move_id = ANY(%s))",
                moves.ids,
            ),
        )
        return layers, entries

    def _register_both(self, product, count, first="V"):
        ours = self._register_range(f"{first}A0001", quantity=count, product=product)
        theirs = (
            self.env["meter.range.registration"]
            .with_context(meter_no_bulk_done=True)
            .register_range(
                {
                    "product_id": product.id,
                    "first_number": f"{first}B0001",
                    "quantity": count,
                    "warehouse_id": self.central.id,
                    "partner_id": self.supplier.id,
                }
            )
        )
        return tuple(self.env["stock.picking"].browse(r["picking_id"]) for r in (ours, theirs))

    def test_engine_takes_the_fast_path_with_stock_account(self):
        engine = self.env["meter.stock.engine"]
        for operation in ("register", "done", "reserve"):
            self.assertFalse(engine._get_fast_path_refusal(operation))
        self._register_range("VF0001", quantity=3)
        dispatch = self._dispatch("VF0001-VF0003", validate=False)
        self.assertEqual(engine.get_fast_done_pickings(dispatch), dispatch)

    def test_registration_valued_as_odoo_receipt(self):
        for cost_method in ("fifo", "average", "standard"):
            with self.subTest(cost_method=cost_method):
                product = self._meter_type(cost_method)
                ours, theirs = self._register_both(product, 20, first=cost_method[:2].upper())
                layers, entries = self._valuation(ours)
                self.assertEqual(sum(row["value"] for row in layers), 20 * 50.0)
                self.assertEqual(sum(row["debit"] for row in entries), 20 * 50.0)
                self.assertEqual((layers, entries), self._valuation(theirs))
                self.assertEqual(
                    {row["account_id"] for row in entries},
                    {self.valuation_account.id, self.input_account.id},
                )

    def test_500_meters_at_50_valued_25000(self):
        product = self._meter_type("average")
        ours, theirs = self._register_both(product, 500)
        layers, entries = self._valuation(ours)
        self.assertEqual(len(layers), 1)
        self.assertEqual((layers[0]["quantity"], layers[0]["value"]), (500, 25000))
        self.assertEqual(sum(row["debit"] for row in entries), 25000)
        self.assertEqual((layers, entries), self._valuation(theirs))
        self.assertEqual(product.qty_available, 1000)
        self.assertEqual(product.value_svl, 50000)

    def test_lot_valuated_registration(self):
        product = self._meter_type("average", lot_valuated=True)
        ours, theirs = self._register_both(product, 5)
        layers, entries = self._valuation(ours)
        self.assertEqual(len(layers), 5)  # one per meter
        self.assertEqual(sum(row["value"] for row in layers), 250)
        self.assertEqual((layers, entries), self._valuation(theirs))
        lots = ours.move_line_ids.lot_id
        self.assertEqual(set(lots.mapped("standard_price")), {50.0})
        self.assertEqual(set(lots.mapped("total_value")), {50.0})

    def test_transfers_value_neutral_and_return_valued_as_odoo(self):
        product = self._meter_type("fifo")
        engine = self.env["meter.stock.engine"]
        sides = {}
        for side, first in (("ours", "VR"), ("theirs", "VS")):
            self._register_range(f"{first}001", quantity=4, product=product)
            dispatch = self._dispatch(f"{first}001-{first}002", validate=False)
            rejection = self._new_meter_picking(
                self.central, "rejection", meter_reason_id=self.reason_seal.id
            )
            rejection._add_meter_numbers(f"{first}003-{first}004")
            pickings = dispatch | rejection
            if side == "theirs":
                pickings = pickings.with_context(meter_no_bulk_done=True)
            else:
                self.assertEqual(engine.get_fast_done_pickings(pickings), pickings)
            dispatch_ctx, rejection_ctx = pickings
            dispatch_ctx.button_validate()
            dispatch_ctx.meter_arrival_ids.button_validate()
            rejection_ctx.button_validate()
            wizard = Form(
                self.env["stock.return.picking"].with_context(
                    active_id=rejection.id, active_model="stock.picking"
                )
            ).save()
            wizard.product_return_moves.quantity = 2
            returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            if side == "theirs":
                returned = returned.with_context(meter_no_bulk_done=True)
            returned.button_validate()
            self.assertEqual(returned.state, "done")
            sides[side] = (dispatch | dispatch.meter_arrival_ids | rejection, returned)
        for side, (internal, returned) in sides.items():
            self.assertEqual(self._valuation(internal), ([], []), side)
            layers, _entries = self._valuation(returned)
            self.assertEqual([(row["quantity"], row["value"]) for row in layers], [(-2, -100)])
        self.assertEqual(self._valuation(sides["ours"][1]), self._valuation(sides["theirs"][1]))
        self.assertEqual(self._state("VR003", "VR004"), {"supplier"})

    def test_installation_entry_dated_on_the_company_day(self):
        """An installation at 22:00 on 28 February in Bogotá (03:00 on 1 March in UTC) is
        accounted on 28 February, the company's day."""
        self.company.partner_id.tz = "America/Bogota"
        product = self._meter_type("fifo")
        with freeze_time(METERS_RECEIVED_ON):
            self._register_range("VI0001", quantity=1, product=product)
        meter = self._meters("VI0001")
        point = self._create_service_point()
        self._run_installation_wizard(
            "install", point, "2026-03-01 03:00:00", {("initial", "active"): 10}, new_lot=meter
        )
        entries = point.installation_ids.install_picking_id.move_ids.account_move_ids
        self.assertEqual(len(entries), 1)
        self.assertEqual(str(entries.date), "2026-02-28")
