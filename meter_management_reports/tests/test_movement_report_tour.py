import io
import json
import re

import PyPDF2

from odoo import http
from odoo.tests import HttpCase, tagged

from .test_movement_report import MovementReportCommon


@tagged("post_install", "-at_install")
class TestMovementReportTour(MovementReportCommon, HttpCase):
    def _download_pdf_text(self, action):
        """Download the PDF as the web client does after Print: the URL ``getReportUrl`` builds
        from the action, posted to /report/download. ``force_report_rendering`` asks for a real
        PDF during tests (Odoo renders HTML otherwise)."""
        url = f"/report/pdf/{action['report_name']}"
        if action.get("data"):
            url += "?options={}&context={}".format(
                json.dumps(action["data"]), json.dumps(action["context"])
            )
        else:
            url += "/" + ",".join(str(record_id) for record_id in action["context"]["active_ids"])
        # wkhtmltopdf must not wait for style sheets from this very server (see _render_pdf_text)
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps([url, action["report_type"]]),
                "context": json.dumps({"lang": "en_US", "force_report_rendering": True}),
                "csrf_token": http.Request.csrf_token(self),
            },
            timeout=120,
        )
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        reader = PyPDF2.PdfReader(io.BytesIO(response.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        return re.sub(r"\s+", " ", text).replace("– ", "–")

    def test_print_movement_report_from_wizard_tour(self):
        self.start_tour(
            "/odoo/action-meter_management_reports.meter_movement_report_wizard_action",
            "meter_movement_report_tour",
            login=self.meter_user.login,
        )
        wizard = self.env["meter.movement.report.wizard"].search(
            [("create_uid", "=", self.meter_user.id)], order="id desc", limit=1
        )
        self.assertEqual(str(wizard.date_from), "2026-03-01")
        self.assertFalse(wizard.include_receipt)
        action = wizard.with_user(self.meter_user).action_print()
        flat = self._download_pdf_text(action)
        self.assertNotIn("No meter movement", flat)
        self.assertIn("30001–30003 (3), 30006–30010 (5), A00998–A01000 (3)", flat)
        self._assert_totals(flat)
