from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import MeterCommon


@tagged("post_install", "-at_install")
class TestMeterOperationDates(MeterCommon):
    """Install, exchange and removal dates keep a meter's history in order: never before
    its last movement, never in the future. Through the wizard, as the field technician."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-10 12:00:00"):
            cls.meter_a = cls._create_meter("46001")
        with freeze_time("2026-03-20 12:00:00"):
            cls.meter_b = cls._create_meter("46002")
        cls.point = cls._create_service_point()

    def _wizard(self, operation, date, new_lot=None):
        env = self._env_as(self.field_technician)
        form = Form(
            env["meter.installation.wizard"].with_context(
                default_service_point_id=self.point.id, default_operation=operation
            )
        )
        form.date = date
        if new_lot:
            form.new_lot_id = new_lot
        return form.save()

    @freeze_time("2026-04-01 12:00:00")
    def test_installation_before_the_meter_was_received(self):
        wizard = self._wizard("install", datetime(2026, 3, 1, 8, 0), self.meter_a)
        with self.assertRaisesRegex(
            UserError,
            r"Installation cannot be dated 2026-03-01 08:00, before the meter's last "
            r"movement:\n- 46001 last moved on 2026-03-10 12:00",
        ):
            wizard.action_confirm()
        self.assertFalse(self.point.current_lot_id)
        self.assertEqual(self.meter_a.meter_state, "store")
        self.assertFalse(self.meter_a.meter_installation_ids)

    @freeze_time("2026-04-01 12:00:00")
    def test_installation_in_the_future(self):
        wizard = self._wizard("install", datetime(2026, 4, 2, 8, 0), self.meter_a)
        with self.assertRaisesRegex(UserError, "46001 cannot be dated 2026-04-02 08:00"):
            wizard.action_confirm()
        self.assertFalse(self.meter_a.meter_installation_ids)

    @freeze_time("2026-04-01 12:00:00")
    def test_exchange_before_the_new_meter_was_received(self):
        self._wizard("install", datetime(2026, 3, 11, 8, 0), self.meter_a).action_confirm()
        installation = self.point.current_installation_ids
        wizard = self._wizard("exchange", datetime(2026, 3, 15, 8, 0), self.meter_b)
        with self.assertRaisesRegex(UserError, "46002 last moved on 2026-03-20 12:00"):
            wizard.action_confirm()
        # nothing half-done: the old meter is still installed, the new one in store
        self.env.invalidate_all()
        self.assertEqual(self.point.current_lot_id, self.meter_a)
        self.assertFalse(installation.date_to)
        self.assertEqual(self.meter_b.meter_state, "store")
        # on a day after both: done
        self._wizard("exchange", datetime(2026, 3, 25, 8, 0), self.meter_b).action_confirm()
        self.assertEqual(self.point.current_lot_id, self.meter_b)

    @freeze_time("2026-04-01 12:00:00")
    def test_removal_in_the_future(self):
        self._wizard("install", datetime(2026, 3, 11, 8, 0), self.meter_a).action_confirm()
        wizard = self._wizard("remove", datetime(2026, 4, 3, 8, 0))
        with self.assertRaisesRegex(UserError, "Removal of meter 46001 cannot be dated"):
            wizard.action_confirm()
        self.assertEqual(self.point.current_lot_id, self.meter_a)
