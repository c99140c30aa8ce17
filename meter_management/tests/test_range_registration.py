from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestRangeRegistration(MeterCommon):
    def _counts(self):
        return (
            self.env["stock.lot"].search_count(
                [("is_meter", "=", True), ("company_id", "=", self.company.id)]
            ),
            self.env["meter.group"].search_count([]),
            self.env["stock.picking"].search_count([]),
            self.env["meter.register"].search_count([]),
        )

    def test_register_range_creates_meters_in_store(self):
        result = self._register_range("30001", "30010", product=self.ct_meter)
        meters = self._meters(*[str(n) for n in range(30001, 30011)])
        self.assertEqual(result["meter_count"], 10)
        self.assertEqual(len(meters), 10)
        # one quant per meter in the store's stock, quantity 1 each
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", meters.ids), ("location_id", "=", self.central.lot_stock_id.id)]
        )
        self.assertEqual(len(quants), 10)
        self.assertEqual(set(quants.mapped("quantity")), {1.0})
        self.assertEqual(quants.lot_id, meters)
        self.assertEqual(self._quantity_in(self.central.view_location_id, meters), 10)
        self.assertEqual(set(meters.mapped("meter_state")), {"store"})
        self.assertEqual(meters.meter_warehouse_id, self.central)
        self.assertEqual(meters.meter_use_type_id, self.use_industrial)
        # the validated receipt, one move line per meter
        picking = self.env["stock.picking"].browse(result["picking_id"])
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.picking_type_id, self.central.in_type_id)
        self.assertEqual(picking.move_ids.quantity, 10)
        self.assertEqual(picking.move_ids.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id, meters)
        self.assertEqual(len(picking.move_line_ids), 10)
        # the group
        group = self.env["meter.group"].browse(result["group_id"])
        self.assertEqual(group.lot_ids, meters)
        self.assertEqual(group.meter_count, 10)
        self.assertEqual(group.display_name, f"{group.name} (10 meters)")
        # registers and multiplier: CT 200/5 x PT 1 x constant 1 = 40
        self.assertEqual(len(meters.meter_register_ids), 30)
        meter = meters[0]
        self.assertEqual(
            meter.meter_register_ids.mapped("register_type"), ["active", "reactive", "demand"]
        )
        self.assertEqual(set(meters.meter_register_ids.mapped("multiplier")), {40.0})
        self.assertEqual(meter.meter_register_ids[2].digits, 3)
        self.assertEqual(meter.meter_register_ids[2].decimals, 3)
        self.assertEqual(meter.meter_register_ids.company_id, self.company)

    def test_same_records_as_stock_receipt(self):
        """The bulk path leaves what Odoo's own receipt of serials leaves."""
        result = self._register_range("B100", "B102")
        ours = self.env["stock.picking"].browse(result["picking_id"])
        # Odoo's own path: a receipt whose serials are entered as lot names, validated
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.central.in_type_id.id,
                "location_id": ours.location_id.id,
                "location_dest_id": ours.location_dest_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "x",
                            "product_id": self.single_phase.id,
                            "product_uom_qty": 3,
                            "product_uom": self.single_phase.uom_id.id,
                            "location_id": ours.location_id.id,
                            "location_dest_id": ours.location_dest_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": picking.move_ids.id,
                    "picking_id": picking.id,
                    "lot_name": name,
                    "quantity": 1,
                    "product_id": self.single_phase.id,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
                for name in ("C100", "C101", "C102")
            ]
        )
        picking.button_validate()
        self.env.flush_all()
        skip = {
            "id",
            "create_date",
            "write_date",
            "date",
            "in_date",
            "reference",
            "lot_id",
            "lot_name",
            "move_id",
            "picking_id",
            "name",
            "date_done",
            "scheduled_date",
            "origin",
            "partner_id",
            "reservation_date",
            "next_serial_count",
            "description_picking",
            "create_uid",
            "write_uid",
            "inventory_date",
            "meter_group_id",
            "user_id",
            "priority",
            "is_locked",
        }

        def rows(table, where, params):
            self.env.cr.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", params)
            return [
                {k: v for k, v in row.items() if k not in skip}
                for row in self.env.cr.dictfetchall()
            ]

        for table, column in (("stock_move_line", "picking_id"), ("stock_move", "picking_id")):
            mine, theirs = (
                rows(table, f"{column} = %s", [ours.id]),
                rows(table, f"{column} = %s", [picking.id]),
            )
            self.assertEqual(len(mine), len(theirs), table)
            self.assertEqual(mine, theirs, table)
        for lots in (ours.move_line_ids.lot_id, picking.move_line_ids.lot_id):
            self.assertEqual(len(lots), 3)
        self.maxDiff = None
        mine = rows("stock_quant", "lot_id = ANY(%s)", [ours.move_line_ids.lot_id.ids])
        theirs = rows("stock_quant", "lot_id = ANY(%s)", [picking.move_line_ids.lot_id.ids])
        self.assertEqual(sorted(map(repr, mine)), sorted(map(repr, theirs)))
        self.assertEqual(
            [r["state"] for r in rows("stock_picking", "id = %s", [ours.id])],
            [r["state"] for r in rows("stock_picking", "id = %s", [picking.id])],
        )

    def test_width_and_prefix_kept(self):
        self._register_range("000998", "001002")
        self.assertEqual(
            self._meters("000998", "000999", "001000", "001001", "001002").mapped("name"),
            ["000998", "000999", "001000", "001001", "001002"],
        )
        self._register_range("A00998", quantity=5)
        self.assertEqual(
            self._meters("A00998", "A00999", "A01000", "A01001", "A01002").mapped("name"),
            ["A00998", "A00999", "A01000", "A01001", "A01002"],
        )

    def test_conflicts_listed_and_nothing_created(self):
        self._register_range("30005", "30006")
        self._register_range("30009", "30009")
        before = self._counts()
        with self.assertRaises(UserError) as error:
            self._register_range("30001", "30010")
        message = str(error.exception)
        for number in ("30005", "30006", "30009"):
            self.assertIn(number, message)
        self.assertNotIn("30001", message.rsplit(":", maxsplit=1)[-1])
        self.assertIn("Already registered (3 meters)", message)
        self.assertEqual(self._counts(), before)

    def test_conflicts_across_a_change_of_width(self):
        """998..1002 has two widths, each checked; numbers that only sort between the ends
        of a width (9985 between 998 and 999, 10015 between 1000 and 1002) are no conflict."""
        self._register_range("1000", "1001")
        self._create_meter("9985")
        self._create_meter("10015")
        before = self._counts()
        with self.assertRaises(UserError) as error:
            self._register_range("998", "1002")
        message = str(error.exception)
        self.assertIn("Already registered (2 meters)", message)
        self.assertTrue(message.endswith(": 1000, 1001"), message)
        self.assertEqual(self._counts(), before)
        # meters created one by one may have any number
        self.env["stock.lot"].create(
            [{"name": name, "product_id": self.single_phase.id} for name in ("3000A", "3001")]
        )
        result = self._register_range("30001", "30010")
        self.assertEqual(result["meter_count"], 10)

    def test_conflict_with_meter_of_another_type(self):
        self._register_range("40001", "40001", product=self.ct_meter)
        with self.assertRaisesRegex(UserError, "40001"):
            self._register_range("40000", "40002", product=self.single_phase)

    def test_bad_ranges(self):
        before = self._counts()
        cases = [
            (("30010", "30001"), "reversed"),
            (("ABC", "ABD"), "does not end with digits"),
            (("30001A", "30010A"), "does not end with digits"),
            (("A001", "B005"), "different prefixes"),
            (("0998", "10002"), "different widths"),
            (("", "30001"), "first meter number"),
            (("30001", None), "last number or the quantity"),
        ]
        for (first, last), message in cases:
            with self.subTest(first=first, last=last), self.assertRaisesRegex(UserError, message):
                self._register_range(first, last)
        with self.assertRaisesRegex(UserError, "width of 4 digits"):
            self._register_range("0998", quantity=10000)
        self.assertEqual(self._counts(), before)

    def test_maximum_quantity(self):
        self.company.meter_max_range_quantity = 50
        before = self._counts()
        with self.assertRaisesRegex(UserError, "at most 50 meters.*has 51"):
            self._register_range("50000", "50050")
        with self.assertRaisesRegex(UserError, "at most 50 meters"):
            self._register_range("50000", quantity=1000)
        self.assertEqual(self._counts(), before)
        self._register_range("50000", quantity=50)
        self.assertEqual(len(self._meters(*[str(n) for n in range(50000, 50050)])), 50)

    def test_duplicate_through_orm_refused_by_database(self):
        meter = self._create_meter("70001")
        # the Python check names the number
        with self.assertRaisesRegex(ValidationError, "70001"):
            self.env["stock.lot"].create({"name": "70001", "product_id": self.ct_meter.id})
        # the database refuses it even when the Python checks are bypassed
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "INSERT INTO stock_lot (name, product_id, company_id, is_meter) VALUES (%s, %s, %s, TRUE)",
                    [meter.name, self.ct_meter.id, self.company.id],
                )
        # the same number in another company is another meter
        other = self.env["res.company"].create({"name": "Other Utility"})
        lot = self.env["stock.lot"].create(
            {"name": "70001", "product_id": self.single_phase.id, "company_id": other.id}
        )
        self.assertTrue(lot.is_meter)

    def test_meters_created_one_by_one_get_registers_from_type(self):
        lot = self.env["stock.lot"].create({"name": "S-1", "product_id": self.ct_meter.id})
        self.assertEqual(len(lot.meter_register_ids), 3)
        self.assertEqual(set(lot.meter_register_ids.mapped("multiplier")), {40.0})
        self.assertEqual(lot.meter_state, "new")

    def test_wizard_form(self):
        form = Form(self.env["meter.range.registration"].with_user(self.storekeeper))
        form.product_id = self.ct_meter
        self.assertEqual(form.ct_primary, 200)
        self.assertEqual(form.multiplier, 40)
        self.assertEqual(form.use_type_id, self.use_industrial)
        form.first_number = "30001"
        form.last_number = "30010"
        self.assertEqual(form.quantity, 10)
        self.assertEqual(form.preview, "30001 … 30010: 10 meters")
        form.warehouse_id = self.regional
        form.ct_primary = 100
        wizard = form.save()
        action = wizard.action_register()
        # the storekeeper is told what was done, then sees the new meters
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"], "10 meters registered into Regional (test): 30001–30010"
        )
        meters = self.env["stock.lot"].search(action["params"]["next"]["domain"])
        self.assertEqual(len(meters), 10)
        self.assertEqual(meters.meter_warehouse_id, self.regional)
        self.assertEqual(set(meters.meter_register_ids.mapped("multiplier")), {20.0})

    def test_default_store_is_central(self):
        wizard = self.env["meter.range.registration"].create(
            {"product_id": self.single_phase.id, "first_number": "1", "quantity": 1}
        )
        central = self.env["stock.warehouse"].search(
            [("meter_role", "=", "central"), ("company_id", "=", self.company.id)], limit=1
        )
        self.assertEqual(wizard.warehouse_id, central)

    def test_search_by_range(self):
        self._register_range("30001", "30020")
        Lot = self.env["stock.lot"].with_user(self.meter_user)
        self.assertEqual(Lot.search_count([("meter_numbers", "=", "30001-30010")]), 10)
        self.assertEqual(Lot.search_count([("meter_numbers", "=", "30001-30003, 30015")]), 4)
        self.assertEqual(Lot.search_count([("meter_numbers", "ilike", "3001")]), 10)  # 30010..19
        self.assertEqual(
            Lot.search_count(
                [("meter_numbers", "=", "30001..30020"), ("meter_state", "=", "store")]
            ),
            20,
        )

    def test_large_registration_refreshes_planner_statistics(self):
        """A registration that grows stock_lot past autovacuum's threshold analyzes it before
        the registers, move lines and quants are checked against the new meters."""

        def known_rows(table):
            self.env.cr.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            return self.env.cr.fetchone()[0]

        Lot = self.env["stock.lot"]
        self.assertEqual(Lot._analyze_grown_tables({"stock_lot": 10, "stock_quant": 20}), [])
        self.env.cr.execute("SELECT count(*) FROM stock_lot")
        (lots_before,) = self.env.cr.fetchone()
        self._register_range("60001", quantity=3000)
        # ANALYZE counts the rows of its own transaction: the statistics know the new meters
        self.assertEqual(known_rows("stock_lot"), lots_before + 3000)
        self.env.cr.execute("SELECT count(*) FROM stock_quant")
        (quants,) = self.env.cr.fetchone()
        self.assertEqual(known_rows("stock_quant"), quants)

    def test_large_range_query_count_does_not_grow(self):
        """A registration costs a bounded number of queries whatever the number of meters
        (both sizes large enough for their statistics to be refreshed)."""
        self._register_range("60000", quantity=10)  # warm the caches
        queries = []
        for first, quantity in (("61000", 1000), ("63000", 3000)):
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            self._register_range(first, quantity=quantity)
            queries.append(self.cr.sql_log_count - start)
        self.assertEqual(queries[0], queries[1], f"queries for 10 and 1000 meters: {queries}")
