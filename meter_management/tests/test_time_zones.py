from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .test_meter_movements import MeterMovementCommon


@tagged("post_install", "-at_install")
class TestCompanyTimeZone(MeterMovementCommon):
    """A utility in UTC−5 (Bogotá, no daylight saving): every day derived from a moment is
    the company's day, whatever the time zone of the user or of the server (UTC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Bogota"
        # users in another time zone than the company's: the company's wins
        (cls.env.user | cls.field_technician | cls.lab_technician).tz = "Asia/Tokyo"
        cls.queue = cls.laboratory.meter_lab_queue_location_id

    def test_helpers(self):
        self.assertEqual(self.company._get_meter_tz(), "America/Bogota")
        with freeze_time("2026-03-11 04:59:00"):  # 23:59 on 10 March in Bogotá
            self.assertEqual(self.company._meter_today(), date(2026, 3, 10))
        with freeze_time("2026-03-11 05:00:00"):
            self.assertEqual(self.company._meter_today(), date(2026, 3, 11))
        start, end = self.company._meter_period_bounds("2026-03-01", "2026-03-31")
        self.assertEqual(str(start), "2026-03-01 05:00:00")
        self.assertEqual(str(end), "2026-04-01 05:00:00")

    def test_laboratory_arrival_is_the_company_day(self):
        with freeze_time("2026-03-10 15:00:00"):
            self._register_range("45001", "45002")
        # 20:00 on 10 March in Bogotá is 01:00 on 11 March in UTC
        with freeze_time("2026-03-11 01:00:00"):
            meters = self._meters("45001", "45002")
            meters._move_meters_to(self.queue)
        meters.invalidate_recordset()
        self.assertEqual(set(meters.mapped("meter_state")), {"laboratory"})
        self.assertEqual(set(meters.mapped("meter_lab_arrival_date")), {date(2026, 3, 10)})

    def test_installation_day_is_the_company_day(self):
        with freeze_time("2026-03-01 15:00:00"):
            meter = self._create_meter("45101")
        meter.meter_next_calibration_date = date(2026, 3, 10)
        point = self._create_service_point()
        # 21:00 on 10 March in Bogotá: still within the meter's validity
        with freeze_time("2026-03-11 03:00:00"):
            self._run_installation_wizard(
                "install", point, "2026-03-11 02:00:00", {("initial", "active"): 10}, meter
            )
        self.assertEqual(point.current_lot_id, meter)

    def test_calibration_cron_today_is_the_company_day(self):
        with freeze_time("2026-03-01 15:00:00"):
            meter = self._create_meter("45201")
        meter.meter_next_calibration_date = date(2026, 3, 10)
        cron = self.env.ref("meter_management.ir_cron_meter_calibration_due")
        # 22:00 on 10 March in Bogotá: due today, not overdue
        with freeze_time("2026-03-11 03:00:00"):
            cron.method_direct_trigger()
        meter.invalidate_recordset()
        self.assertEqual(meter.meter_calibration_status, "due_soon")
        # the meter's own compute agrees, at the same moment
        with freeze_time("2026-03-11 03:00:00"):
            meter.meter_next_calibration_date = date(2026, 3, 9)
            self.env.flush_all()
            self.assertEqual(meter.meter_calibration_status, "overdue")
            meter.meter_next_calibration_date = date(2026, 3, 10)
            self.env.flush_all()
            self.assertEqual(meter.meter_calibration_status, "due_soon")

    def test_billing_period_is_made_of_company_days(self):
        with freeze_time("2026-02-01 15:00:00"):
            meter = self._create_meter("45301")
        point = self._create_service_point()
        with freeze_time("2026-02-02 15:00:00"):
            self._run_installation_wizard(
                "install", point, "2026-02-02 14:00:00", {("initial", "active"): 100}, meter
            )
        reader = self._env_as(self.field_technician)["meter.reading"]
        # 23:00 on 31 March in Bogotá, 04:00 on 1 April in UTC: a reading of March
        reader.create(
            {
                "lot_id": meter.id,
                "register_type": "active",
                "reading_date": "2026-04-01 04:00:00",
                "value": 160,
            }
        )
        Point = self.env["meter.service.point"]
        march = Point.get_billing_consumption("2026-03-01", "2026-03-31", [point.name])
        self.assertEqual([row["consumption"] for row in march], [60])
        april = Point.get_billing_consumption("2026-04-01", "2026-04-30", [point.name])
        self.assertEqual(april, [])
