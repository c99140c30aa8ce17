from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestConcurrentRegistration(BaseCase):
    """Two registrations of overlapping ranges at the same time, each in its own
    transaction: the second, which started before the first committed (its snapshot cannot
    see the first's meters), gets the message of a conflict, naming every conflicting
    number, and leaves nothing.

    The transactions are real (committed), so the test makes its own meter type in a
    committed transaction and removes everything it made afterwards."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {
                    "name": "Concurrent registration meter (test)",
                    "is_meter": True,
                    "meter_register_template_ids": [
                        Command.create({"register_type": "active", "digits": 5, "decimals": 1})
                    ],
                }
            )
            self.product_id = product.id
            self.company_id = env.company.id
            self.warehouse_id = (
                env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).id
            )
        self.addCleanup(self._remove_what_was_made)

    def _register(self, cr, first, last):
        env = api.Environment(cr, SUPERUSER_ID, {"allowed_company_ids": [self.company_id]})
        return env["meter.range.registration"].register_range(
            {
                "product_id": self.product_id,
                "first_number": first,
                "last_number": last,
                "warehouse_id": self.warehouse_id,
            }
        )

    def _remove_what_was_made(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    CREATE TEMP TABLE made_lot ON COMMIT DROP AS
                        SELECT id FROM stock_lot WHERE product_id = %(product)s;
                    CREATE TEMP TABLE made_picking ON COMMIT DROP AS
                        SELECT DISTINCT picking_id AS id FROM stock_move
                         WHERE product_id = %(product)s AND picking_id IS NOT NULL;
                    CREATE TEMP TABLE made_group ON COMMIT DROP AS
                        SELECT id FROM meter_group WHERE product_id = %(product)s;
                    DELETE FROM stock_move_line WHERE product_id = %(product)s;
                    DELETE FROM stock_move WHERE product_id = %(product)s;
                    DELETE FROM stock_picking WHERE id IN (SELECT id FROM made_picking);
                    DELETE FROM stock_quant WHERE product_id = %(product)s;
                    DELETE FROM meter_register WHERE lot_id IN (SELECT id FROM made_lot);
                    DELETE FROM stock_lot WHERE id IN (SELECT id FROM made_lot);
                    DELETE FROM mail_message WHERE model = 'meter.group'
                       AND res_id IN (SELECT id FROM made_group);
                    DELETE FROM mail_followers WHERE res_model = 'meter.group'
                       AND res_id IN (SELECT id FROM made_group);
                    DELETE FROM meter_group WHERE id IN (SELECT id FROM made_group);
                    """,
                    product=self.product_id,
                )
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(self.product_id).product_tmpl_id.unlink()

    def _meter_count(self, first, last):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT count(*) FROM stock_lot WHERE product_id = %s AND name BETWEEN %s AND %s",
                    self.product_id,
                    first,
                    last,
                )
            )
            return cr.fetchone()[0]

    def test_overlapping_ranges_at_the_same_time(self):
        second = self.registry.cursor()
        try:
            # the second transaction starts (its snapshot is taken) before the first commits
            second.execute("SELECT 1")
            with self.registry.cursor() as first:
                self._register(first, "CCR00001", "CCR00010")
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaisesRegex(
                    UserError,
                    r"Already registered \(6 meters\), nothing was created: "
                    r"CCR00005, CCR00006, CCR00007, CCR00008, CCR00009, CCR00010$",
                ),
            ):
                self._register(second, "CCR00005", "CCR00015")
        finally:
            second.rollback()
            second.close()
        self.assertEqual(self._meter_count("CCR00001", "CCR00010"), 10)
        self.assertEqual(self._meter_count("CCR00011", "CCR00015"), 0, "half-made")
