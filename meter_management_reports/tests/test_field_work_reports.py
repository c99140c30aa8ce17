import re

from odoo.addons.meter_management.tests.common_anomaly import DATES, AnomalyCommon
from odoo.tests import Form, tagged


@tagged("post_install", "-at_install")
class TestFieldWorkReports(AnomalyCommon):
    """The reading anomalies and service orders reports, printed from selected records and
    from their criteria wizards, read back from the PDF."""

    METERS = [("RP-R1", "single_phase"), ("RP-R2", "single_phase")]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spare = cls._create_meter("RP-N1")
        cls._import(
            cls,
            [
                ("RP-R1", "active", DATES[0], 110),
                ("RP-R1", "active", DATES[1], 210, "DMG"),  # damaged: an exchange order
                ("RP-R2", "active", DATES[0], 45100),
                ("RP-R2", "active", DATES[1], 41520),  # misread: a re-read order
            ],
        )
        cls.anomalies = cls.env["meter.anomaly"].search([], order="id")

    def _pdf(self, action):
        """Render the PDF exactly as the web client asks for it from ``action``."""
        text = self._render_pdf_text(
            action["report_name"], action["context"]["active_ids"], data=action.get("data")
        )
        return re.sub(r"\s+", " ", text)

    def test_anomalies_pdf_from_selected_records(self):
        self.assertEqual({a.type_id.code for a in self.anomalies}, {"DMG", "MISREAD"})
        report = self.env.ref("meter_management_reports.action_report_meter_anomalies")
        action = report.with_user(self.meter_user).report_action(self.anomalies)
        flat = self._pdf(action)
        self.assertIn("Reading anomalies", flat)
        self.assertIn("[DMG] Meter damaged Blocks billing 1 1", flat)
        self.assertIn("[MISREAD] Probable misread Blocks billing 1 1", flat)
        self.assertIn("Total anomalies 2 2", flat)
        self.assertIn("Open anomalies blocking billing", flat)
        point = self.points["RP-R2"].name
        self.assertIn(f"{point} RP-R2 03/02/2026 Probable misread 41520.0 45120.0", flat)

    def test_anomalies_pdf_from_wizard_and_analysis(self):
        wizard = Form(self.env["meter.anomaly.report.wizard"].with_user(self.meter_user))
        wizard.date_from = "2026-03-01"
        wizard.date_to = "2026-03-31"
        wizard = wizard.save()
        action = wizard.action_print()
        self.assertEqual(action["context"]["active_ids"], self.anomalies.ids)
        flat = self._pdf(action)
        self.assertIn("Period: 2026-03-01 – 2026-03-31; types: all", flat)
        self.assertIn("Total anomalies 2 2", flat)
        analysis = wizard.action_open_analysis()
        groups = self.env["meter.anomaly"]._read_group(
            analysis["domain"], ["severity"], ["__count"]
        )
        self.assertEqual(groups, [("block", 2)])

    def test_service_orders_pdf(self):
        orders = self.env["meter.service.order"].search([], order="id")
        self.assertEqual(set(orders.mapped("order_type")), {"exchange", "reread"})
        exchange = orders.filtered(lambda order: order.order_type == "exchange")
        reread = orders - exchange
        for order, vals in (
            (
                exchange,
                {
                    "new_lot_id": self.spare,
                    "lines": {("final", "active"): 220, ("initial", "active"): 3},
                },
            ),
            (reread, {"lines": {("reading", "active"): 45130}}),
        ):
            action = order.with_env(self.field_env).action_open_complete_wizard()
            with Form(
                self.field_env[action["res_model"]].with_context(**action["context"])
            ) as form:
                if "new_lot_id" in vals:
                    form.new_lot_id = vals["new_lot_id"]
                form.date = "2026-03-10 09:00:00"
                for index in range(len(form.line_ids)):
                    with form.line_ids.edit(index) as line:
                        line.value = vals["lines"][(line.role, line.register_type)]
            form.record.action_confirm()
        # detected 1 and 11 days before their resolution: average 6, 90th percentile 10
        self.env.flush_all()
        for anomaly, days in zip(self.anomalies, (1, 11), strict=True):
            self.env.cr.execute(
                "UPDATE meter_anomaly SET create_date = resolved_date - %s * interval '1 day' "
                "WHERE id = %s",
                (days, anomaly.id),
            )
        wizard = self.env["meter.service.order.report.wizard"].with_user(self.meter_user).create({})
        action = wizard.action_print()
        self.assertEqual(action["context"]["active_ids"], orders.ids)
        flat = self._pdf(action)
        self.assertIn("Service orders", flat)
        self.assertIn("Exchange Done 1", flat)
        self.assertIn("Re-read Done 1", flat)
        self.assertIn("average 6.0 days, 90th percentile 10.0 days (2 anomalies resolved)", flat)
        self.assertIn("Removed RP-R1. Installed RP-N1. Readings: 2.", flat)
        self.assertIn(f"{reread.name} Re-read {self.points['RP-R2'].name}", flat)
        self.assertIn("Total: 2 orders", flat)
