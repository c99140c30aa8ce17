import re
from datetime import date

from freezegun import freeze_time

from odoo.addons.meter_management.tests.test_meter_movements import MeterMovementCommon
from odoo.exceptions import UserError
from odoo.tests import Form, tagged


@tagged("post_install", "-at_install")
class TestMovementKinds(MeterMovementCommon):
    """Every meter movement has its kind and its two ends in the analysis and the printed
    report: supplier receipts come from the supplier, installations go to the service
    points, removals come from them, a rejection on arrival from a reception's backorder
    comes from the store that sent the meters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02 10:00:00"):
            receipt = cls._register_range("47001", "47006")
            cls.receipt = cls.env["stock.picking"].browse(receipt["picking_id"])
        # central -> regional: 3 received, the other 3 left on a backorder, then rejected
        with freeze_time("2026-03-03 10:00:00"):
            cls.dispatch = cls._dispatch("47001-47006")
            reception = cls.dispatch.meter_arrival_ids
            reception._add_meter_numbers("47001-47003")
            action = reception.button_validate()
            Form(cls.env[action["res_model"]].with_context(**action["context"])).save().process()
            cls.backorder = cls.env["stock.picking"].search([("backorder_id", "=", reception.id)])
            cls.rejection = cls.backorder._reject_meters_on_arrival(
                "47004-47006", cls.reason_damaged
            )
        point = cls._create_service_point()
        meter = cls._meters("47001")
        with freeze_time("2026-03-05 10:00:00"):
            cls._run_installation_wizard(
                cls, "install", point, "2026-03-05 09:00:00", {("initial", "active"): 5}, meter
            )
        with freeze_time("2026-03-09 10:00:00"):
            cls._run_installation_wizard(
                cls,
                "remove",
                point,
                "2026-03-09 09:00:00",
                {("final", "active"): 25},
                destination="laboratory",
                warehouse_id=cls.laboratory.id,
            )
        installation = meter.meter_installation_ids
        cls.install_picking = installation.install_picking_id
        cls.removal_picking = installation.removal_picking_id

    def test_analysis(self):
        Report = self.env["meter.movement.report"].with_user(self.meter_user)
        groups = Report._read_group(
            [("company_id", "=", self.company.id)],
            ["origin", "destination", "kind"],
            ["meter_count:sum"],
        )
        result = {(origin, dest, kind): count for origin, dest, kind, count in groups}
        self.assertEqual(
            result,
            {
                ("Supplier", "Central (test)", "receipt"): 6,
                ("Central (test)", "Regional (test)", "dispatch"): 6,
                ("Central (test)", "Regional (test)", "reception"): 3,
                ("Central (test)", "Regional (test)", "rejection"): 3,
                ("Regional (test)", "Service points", "installation"): 1,
                ("Service points", "Laboratory (test)", "removal"): 1,
            },
        )

    def test_printed_report(self):
        pickings = self.receipt | self.rejection | self.install_picking | self.removal_picking
        text = self._render_pdf_text(
            "meter_management_reports.action_report_meter_movements", pickings.ids
        )
        flat = re.sub(r"\s+", " ", text)
        self.assertIn("Supplier → Central (test)", flat)
        self.assertIn("Received from supplier", flat)
        self.assertIn("Central (test) → Regional (test)", flat)
        self.assertNotIn("Regional (test) → Regional (test)", flat)
        self.assertIn("Regional (test) → Service points", flat)
        self.assertIn("Installed", flat)
        self.assertIn("Service points → Laboratory (test)", flat)
        self.assertIn("Removed", flat)


@tagged("post_install", "-at_install")
class TestMovementReportTimeZone(MeterMovementCommon):
    """A utility in UTC−5: the movement report's period is made of the company's days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Bogota"
        with freeze_time("2026-03-30 15:00:00"):
            cls._register_range("48001", "48002")
        # 22:00 on 31 March in Bogotá, 03:00 on 1 April in UTC
        with freeze_time("2026-04-01 03:00:00"):
            cls.dispatch = cls._dispatch("48001-48002")

    def _printed(self, date_from, date_to):
        """The PDF text of the report printed from its wizard, as the web client prints it."""
        wizard = Form(self.env["meter.movement.report.wizard"].with_user(self.meter_user))
        wizard.date_from = date_from
        wizard.date_to = date_to
        wizard.include_receipt = False
        return self._render_action_pdf_text(wizard.save().action_print())

    def test_period_in_company_days(self):
        # 22:00 on 31 March in Bogotá is in March, although 1 April in UTC
        text = self._printed(date(2026, 3, 1), date(2026, 3, 31))
        self.assertIn(self.dispatch.name, text)
        with self.assertRaisesRegex(UserError, "No meter movement"):
            self._printed(date(2026, 4, 1), date(2026, 4, 30))
        # and dated on the company's day
        self.assertIn("03/31/2026", text)
