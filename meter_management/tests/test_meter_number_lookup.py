from odoo.tests import tagged
from odoo.tools import SQL

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestMeterNumberLookup(MeterCommon):
    """Meters are looked up by number through the unique number index, never through Odoo's
    trigram index on ``stock_lot.name``: after a bulk load the planner prices that GIN index as
    empty and every number then searches its pending list (71 s for 10,000 numbers, measured)."""

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

    def _assert_unique_index_read(self, plans, by_range=True):
        """The look-up read the unique number index, and never the trigram index; ``by_range``:
        by the ends of the run (one contiguous run; with many runs over the few meters of a test
        database, the planner rightly reads the company's meters and filters the runs)."""
        self.assertTrue(plans, "no plan reading stock_lot was captured")
        text = "\n".join(plans)
        self.assertNotIn("stock_lot__name_index", text)
        self.assertIn("stock_lot_meter_number_uniq", text)
        conditions = [line for line in text.splitlines() if "Index Cond:" in line]
        self.assertTrue(
            not by_range or any(">= (run.first)" in line for line in conditions),
            "the unique index is not read by range:\n" + "\n".join(conditions),
        )

    def test_registration_check_reads_the_unique_index(self):
        self._register_range("40001", quantity=1000)
        self._register_range("41001", quantity=1500)
        Lot = self.env["stock.lot"]
        numbers = [str(number) for number in range(41401, 42401)]
        # a range, as the registration checks it
        plans, existing = self._plans(
            lambda: Lot._get_existing_meter_numbers(numbers, self.company.ids)
        )
        self.assertEqual(existing, set(numbers))  # registered by the second range
        self._assert_unique_index_read(plans)
        # any list, as the ORM's check of meters created one by one gives it
        scattered = [*numbers[::7], "42500", "42501", "X-1"]
        excluded = self._meters("41401")
        plans, existing = self._plans(
            lambda: Lot._get_existing_meter_numbers(scattered, self.company.ids, excluded.ids)
        )
        # 41401 is excluded (the meter being checked), 42501 and X-1 do not exist
        self.assertEqual(existing, {*numbers[7::7], "42500"})
        self._assert_unique_index_read(plans, by_range=False)

    def test_paste_lookup_reads_the_unique_index(self):
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
        self._assert_unique_index_read(plans)

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
        self._assert_unique_index_read(plans, by_range=False)
