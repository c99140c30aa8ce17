import json
import re
from datetime import datetime

from lxml import etree

from odoo import Command
from odoo.addons.meter_management.tests.test_meter_movements import MeterMovementCommon
from odoo.exceptions import UserError
from odoo.tests import Form, tagged


class MovementReportCommon(MeterMovementCommon):
    """Two months, three stores: the printed report shows each pair, its ranges and totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._register_range("30001", "30020")
        cls._register_range("A00998", "A01002", product=cls.ct_meter)
        # March: 10 meters and 3 A-meters central -> regional, received with 2 rejected
        cls.dispatch_march = cls._dispatch("30001-30010, A00998-A01000")
        reception = cls.dispatch_march.meter_arrival_ids
        cls.rejection_march = reception._reject_meters_on_arrival("30004-30005", cls.reason_damaged)
        reception.button_validate()
        cls.reception_march = reception
        # April: 5 meters central -> laboratory, received; 2 rejected in the central store
        cls.dispatch_april = cls._dispatch("30011-30015", dest=cls.laboratory)
        cls.reception_april = cls.dispatch_april.meter_arrival_ids
        cls.reception_april.button_validate()
        cls.rejection_april = cls._new_meter_picking(
            cls.central, "rejection", meter_reason_id=cls.reason_seal.id
        )
        cls.rejection_april._add_meter_numbers("30019-30020")
        cls.rejection_april.button_validate()
        march = (cls.dispatch_march, cls.reception_march, cls.rejection_march)
        april = (cls.dispatch_april, cls.reception_april, cls.rejection_april)
        for day, picking in enumerate(march, start=2):
            picking.date_done = datetime(2026, 3, day, 10, 0)
        for day, picking in enumerate(april, start=6):
            picking.date_done = datetime(2026, 4, day, 10, 0)
        cls.env.flush_all()

    def _pdf_text(self, report_ref, pickings, data=None):
        return self._render_pdf_text(report_ref, pickings.ids, data=data)

    def _action_pdf_text(self, action):
        """Render a report action as the web client does (``getReportUrl``): with ``data``, it
        sends the data through JSON and no record ids; without, the ``active_ids``."""
        if action.get("data"):
            res_ids, data = None, json.loads(json.dumps(action["data"]))
        else:
            res_ids, data = action["context"]["active_ids"], None
        text = self._render_pdf_text(action["report_name"], res_ids, data=data)
        # the PDF text may break a range after its dash
        return re.sub(r"\s+", " ", text).replace("– ", "–")

    def _assert_totals(self, flat):
        # a pair's total counts each meter once (13 sent, of them 11 received and 2 rejected
        # on arrival); the kinds are shown beside it, not added up
        self.assertIn(
            "Total Central (test) → Regional (test) "
            "(Sent: 13, Received from store: 11, Rejected: 2) 13",
            flat,
        )
        self.assertIn(
            "Total Central (test) → Laboratory (test) (Sent: 5, Received from store: 5) 5", flat
        )
        self.assertIn("Total Central (test) → Central (test) (Rejected: 2) 2", flat)
        self.assertIn("Total of all movements: 20 meters", flat)


@tagged("post_install", "-at_install")
class TestMovementReport(MovementReportCommon):
    def test_analysis_rows(self):
        Report = self.env["meter.movement.report"].with_user(self.meter_user)
        groups = Report._read_group(
            [("picking_id.company_id", "=", self.company.id), ("kind", "!=", "receipt")],
            ["from_warehouse_id", "to_warehouse_id", "kind"],
            ["meter_count:sum"],
        )
        result = {(source.name, dest.name, kind): count for source, dest, kind, count in groups}
        self.assertEqual(
            result,
            {
                ("Central (test)", "Regional (test)", "dispatch"): 13,
                ("Central (test)", "Regional (test)", "reception"): 11,
                ("Central (test)", "Regional (test)", "rejection"): 2,
                ("Central (test)", "Laboratory (test)", "dispatch"): 5,
                ("Central (test)", "Laboratory (test)", "reception"): 5,
                ("Central (test)", "Central (test)", "rejection"): 2,
            },
        )
        by_month = Report._read_group(
            [("picking_id.company_id", "=", self.company.id), ("kind", "=", "dispatch")],
            ["date:month"],
            ["meter_count:sum"],
        )
        self.assertEqual([count for _month, count in by_month], [13, 5])

    def test_movement_report_pdf_from_wizard(self):
        wizard = Form(self.env["meter.movement.report.wizard"].with_user(self.meter_user))
        wizard.date_from = datetime(2026, 3, 1).date()
        wizard.date_to = datetime(2026, 4, 30).date()
        wizard.include_receipt = False
        action = wizard.save().action_print()
        flat = self._action_pdf_text(action)
        self.assertNotIn("No meter movement", flat)
        # one section per pair, sorted
        self.assertIn("Central (test) → Central (test)", flat)
        self.assertIn("Central (test) → Laboratory (test)", flat)
        self.assertIn("Central (test) → Regional (test)", flat)
        self.assertLess(
            flat.index("Central (test) → Laboratory (test)"),
            flat.index("Central (test) → Regional (test)"),
        )
        # ranges, kinds, reasons and counts
        self.assertIn("30001–30010 (10), A00998–A01000 (3)", flat)
        self.assertIn("30001–30003 (3), 30006–30010 (5), A00998–A01000 (3)", flat)
        self.assertIn("30004–30005 (2)", flat)
        self.assertIn("Damaged in transport", flat)
        self.assertIn("30011–30015 (5)", flat)
        self.assertIn("30019–30020 (2)", flat)
        self.assertIn("Broken seal", flat)
        self.assertIn(self.dispatch_march.name, flat)
        self._assert_totals(flat)
        self.assertIn("Period: 2026-03-01 –2026-04-30; stores: all", flat)

    def test_movement_report_pdf_from_selected_transfers(self):
        pickings = (
            self.dispatch_march
            | self.reception_march
            | self.rejection_march
            | self.dispatch_april
            | self.reception_april
            | self.rejection_april
        )
        report = self.env.ref("meter_management_reports.action_report_meter_movements")
        action = report.with_user(self.meter_user).report_action(pickings)
        self._assert_totals(self._action_pdf_text(action))

    def test_movement_report_one_meter(self):
        dispatch = self._dispatch("30016")
        dispatch.date_done = datetime(2026, 5, 4, 10, 0)
        self.env.flush_all()
        wizard = (
            self.env["meter.movement.report.wizard"]
            .with_user(self.meter_user)
            .create({"date_from": "2026-05-01", "date_to": "2026-05-31"})
        )
        flat = self._action_pdf_text(wizard.action_print())
        self.assertIn("Total Central (test) → Regional (test) (Sent: 1) 1", flat)
        self.assertIn("Total of all movements: 1 meter", flat)
        self.assertNotIn("1 meters", flat)

    def test_wizard_filters(self):
        wizard = self.env["meter.movement.report.wizard"].create(
            {
                "date_from": "2026-04-01",
                "date_to": "2026-04-30",
                "warehouse_ids": [Command.set(self.laboratory.ids)],
                "include_receipt": False,
            }
        )
        action = wizard.action_print()
        values = self.env["report.meter_management_reports.report_meter_movements"]
        docs = values._get_report_values(None, data=json.loads(json.dumps(action["data"])))["docs"]
        self.assertEqual(docs, self.dispatch_april | self.reception_april)
        wizard.date_to = "2026-04-01"
        with self.assertRaisesRegex(UserError, "No meter movement"):
            wizard.action_print()

    def test_dispatch_note_pdf(self):
        # the dispatch's own Print button gives the dispatch note
        action = self.dispatch_march.with_user(self.storekeeper).do_print_picking()
        self.assertEqual(
            action["report_name"], "meter_management_reports.report_meter_dispatch_note"
        )
        flat = self._action_pdf_text(action)
        self.assertIn(f"Dispatch note {self.dispatch_march.name}", flat)
        # each meter type with its ranges
        self.assertIn("CT meter 200/5 (test) A00998–A01000 (3) 3", flat)
        self.assertIn("Single-phase (test) 30001–30010 (10) 10", flat)
        self.assertIn("Total: 13 meters", flat)
        self.assertIn("Regional (test)", flat)
        self.assertIn("Driver", flat)
        self.assertIn("Received by (storekeeper)", flat)
        # each signature box has its name and date lines
        self.assertEqual(flat.count("Name: ____"), 3)
        self.assertEqual(flat.count("Date: ____"), 3)

    def test_print_button_of_a_meter_transfer(self):
        view = self.env["stock.picking"].with_user(self.storekeeper).get_views([(False, "form")])
        arch = etree.fromstring(view["views"]["form"]["arch"])
        prints = arch.xpath("//header/button[@string='Print']")
        done_prints = [
            button for button in prints if "state != 'done'" in (button.get("invisible") or "")
        ]
        # on a done meter dispatch, the visible Print is the dispatch note's
        self.assertEqual(
            {(button.get("name"), button.get("invisible")) for button in done_prints},
            {
                ("do_print_picking", "state != 'done' or meter_movement_kind != 'dispatch'"),
                (
                    str(self.env.ref("stock.action_report_delivery").id),
                    "state != 'done' or meter_movement_kind == 'dispatch'",
                ),
            },
        )
        # a transfer that is not a meter dispatch keeps stock's Picking Operations
        other = self.env["stock.picking"].create(
            {
                "picking_type_id": self.central.int_type_id.id,
                "location_id": self.central.lot_stock_id.id,
                "location_dest_id": self.central.lot_stock_id.id,
            }
        )
        action = other.with_user(self.storekeeper).do_print_picking()
        self.assertEqual(action["report_name"], "stock.report_picking")
