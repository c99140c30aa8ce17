from odoo.tests import tagged
from odoo.tools import SQL

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestMeterNumberLookup(MeterCommon):
    """Meters are looked up by number through the btree indexes, never through Odoo's trigram
    index on ``stock_lot.name``: after a bulk load the planner prices that GIN index as empty
    and every number then searches its pending list (71 s for 10,000 numbers, measured)."""

    def _bitmapscan(self):
        self.cr.execute(SQL("SHOW enable_bitmapscan"))
        return self.cr.fetchone()[0]

    def _plans(self, function):
        """The plans PostgreSQL ran for the statements of ``function()``, and its result."""
        cr = self.cr
        cr.execute(SQL("LOAD 'auto_explain'"))
        cr.execute(SQL("SET LOCAL auto_explain.log_min_duration = 0"))
        cr.execute(SQL("SET LOCAL auto_explain.log_level = notice"))
        cr.execute(SQL("SET LOCAL client_min_messages = notice"))
        notices = cr._cnx.notices
        del notices[:]
        result = function()
        cr.execute(SQL("SET LOCAL auto_explain.log_min_duration = -1"))
        return [notice for notice in notices if "stock_lot" in notice], result

    def _assert_no_trigram_read(self, plans):
        """No bitmap scan at all in these statements, hence no read of a GIN index."""
        self.assertTrue(plans, "no plan reading stock_lot was captured")
        for plan in plans:
            scans = "\n".join(line for line in plan.splitlines() if "Scan" in line)
            self.assertNotIn("stock_lot__name_index", scans)
            self.assertNotIn("Bitmap", scans, f"a bitmap scan in the look-up:\n{scans}")

    def test_lookup_turns_bitmap_scans_off_and_restores_them(self):
        Lot = self.env["stock.lot"]
        self.assertEqual(self._bitmapscan(), "on")
        with Lot._meter_number_lookup():
            self.assertEqual(self._bitmapscan(), "off")
        self.assertEqual(self._bitmapscan(), "on")
        # a setting chosen for the session is kept
        self.cr.execute(SQL("SET LOCAL enable_bitmapscan = off"))
        with Lot._meter_number_lookup():
            pass
        self.assertEqual(self._bitmapscan(), "off")

    def test_registration_check_reads_the_unique_index(self):
        self._register_range("40001", quantity=1000)
        self._register_range("41001", quantity=1500)
        Lot = self.env["stock.lot"]
        numbers = [str(number) for number in range(41401, 42401)]
        # a range: one range scan of the unique index per width, which no trigram index serves
        plans, existing = self._plans(
            lambda: Lot._get_existing_meter_numbers_in_range(numbers, self.company.ids)
        )
        self.assertEqual(existing, set(numbers))  # registered by the second range
        self.assertTrue(plans)
        for plan in plans:
            self.assertIn("stock_lot_meter_number_uniq", plan)
            self.assertNotIn("stock_lot__name_index", plan)
        # any list of numbers (the ORM's check of meters created one by one)
        plans, existing = self._plans(
            lambda: Lot._get_existing_meter_numbers([*numbers, "42500", "42501"], self.company.ids)
        )
        self.assertEqual(existing, {*numbers, "42500"})
        self._assert_no_trigram_read(plans)
        self.assertEqual(self._bitmapscan(), "on")

    def test_paste_lookup_reads_no_trigram_index(self):
        self._register_range("43001", quantity=1500)
        self._register_range("45001", quantity=1500)
        dispatch = self.env["stock.picking"].create(
            {
                "picking_type_id": self.central.meter_dispatch_type_id.id,
                "location_id": self.central.meter_dispatch_type_id.default_location_src_id.id,
                "location_dest_id": self.central.meter_dispatch_type_id.default_location_dest_id.id,
                "meter_dest_warehouse_id": self.regional.id,
            }
        )
        numbers = [str(number) for number in range(45001, 46001)]
        plans, rows = self._plans(lambda: dispatch._get_meter_availability(numbers))
        self.assertEqual([row["number"] for row in rows], numbers)
        self.assertTrue(all(row["lot_id"] for row in rows))
        self._assert_no_trigram_read(plans)

    def test_search_by_range_reads_the_unique_index(self):
        self._register_range("47001", quantity=1500)
        self._register_range("998", "1002")
        Lot = self.env["stock.lot"]
        plans, meters = self._plans(
            lambda: Lot.search([("meter_numbers", "=", "47101-48000, 47001, 999-1001, 5")])
        )
        self.assertEqual(
            sorted(meters.mapped("name")),
            sorted(["47001", "999", "1000", "1001", *(str(n) for n in range(47101, 48001))]),
        )
        self.assertTrue(plans)
        for plan in plans:
            self.assertNotIn("stock_lot__name_index", plan)
        self.assertIn("stock_lot_meter_number_uniq", "".join(plans))
