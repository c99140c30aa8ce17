import re
from datetime import date

from freezegun import freeze_time

from odoo.addons.meter_management.tests.common import METERS_RECEIVED_ON
from odoo.addons.meter_management.tests.test_meter_movements import MeterMovementCommon
from odoo.tests import Form, tagged


@tagged("post_install", "-at_install")
class TestSpanishReports(MeterMovementCommon):
    """A Spanish-speaking user prints the movement report and the calibration inquiry
    from their wizards: the add-ons' Spanish translation (i18n/es.po) is on the paper."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_ES")
        cls.env["ir.module.module"].search(
            [("name", "in", ("meter_management", "meter_management_reports"))]
        )._update_translations(["es_ES"], overwrite=True)
        cls.meter_user.lang = "es_ES"
        with freeze_time(METERS_RECEIVED_ON):
            cls._register_range("64001", "64004")
            cls._dispatch("64001-64003")
        for number, due in (("64001", date(2026, 3, 10)), ("64004", date(2026, 7, 1))):
            cls._meters(number).meter_next_calibration_date = due

    def _print(self, wizard_form):
        action = wizard_form.save().action_print()
        # rendered as the user who prints it, in that user's language, as from the web client
        env = self.env(user=self.meter_user, context=dict(self.env.context, lang="es_ES"))
        return re.sub(r"\s+", " ", self._render_action_pdf_text(action, env=env))

    def test_movement_report_in_spanish(self):
        wizard = Form(
            self.env["meter.movement.report.wizard"]
            .with_user(self.meter_user)
            .with_context(lang="es_ES")
        )
        wizard.date_from = date(2025, 11, 1)
        wizard.date_to = date(2025, 12, 31)
        text = self._print(wizard)
        self.assertIn("Movimientos de medidores entre almacenes", text)
        self.assertIn("Enviado", text)
        self.assertIn("Proveedor → Central (test)", text)
        self.assertIn("64001–64003 (3)", text)
        self.assertIn("Total de todos los movimientos:", text)
        self.assertNotIn("Meter movements between stores", text)

    def test_calibration_inquiry_in_spanish(self):
        wizard = Form(
            self.env["meter.calibration.queue.wizard"]
            .with_user(self.meter_user)
            .with_context(lang="es_ES")
        )
        wizard.year = 2026
        text = self._print(wizard)
        self.assertIn("Medidores en espera de calibración 2026", text)
        self.assertIn("Por vencer", text)
        self.assertNotIn("Falling due", text)
