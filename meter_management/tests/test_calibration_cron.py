from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .test_calibration import CalibrationCommon


class Interrupted(Exception):
    """Stands for the worker being killed: what the batch did is never committed."""


@tagged("post_install", "-at_install")
class TestCalibrationCron(CalibrationCommon):
    """The daily flagging, run through its scheduled action with the date frozen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.meter_calibration_horizon_days = 30
        cls.central.meter_responsible_id = cls.storekeeper
        cls.regional.meter_responsible_id = cls.field_technician
        cls.cron = cls.env.ref("meter_management.ir_cron_meter_calibration_due")
        cls.Notice = cls.env["meter.calibration.notice"]
        cls._register_range("50001", "50006")
        cls._register_range("50101", "50103", store=cls.regional)
        due = {
            "50001": date(2026, 3, 9),  # overdue on 10 March 2026
            "50002": date(2026, 3, 10),  # due today: due soon
            "50003": date(2026, 4, 9),  # due soon (horizon 30 days)
            "50004": date(2026, 4, 10),  # valid: enters the horizon on 11 March
            "50005": date(2030, 1, 1),  # valid
            # 50006: never verified
            "50101": date(2025, 12, 31),  # overdue
            "50102": date(2026, 3, 31),  # due soon
            "50103": date(2027, 1, 1),  # valid
        }
        with freeze_time("2026-01-01"):  # the statuses as they stood on New Year's Day
            for number, due_date in due.items():
                cls._meters(number).write(
                    {
                        "meter_last_calibration_date": date(2018, 1, 1),
                        "meter_last_calibration_result": "pass",
                        "meter_next_calibration_date": due_date,
                    }
                )
            cls.env.flush_all()

    def _statuses(self, *numbers):
        return dict(
            self._meters(*numbers).mapped(lambda lot: (lot.name, lot.meter_calibration_status))
        )

    def _notices(self):
        return self.Notice.search([("company_id", "=", self.company.id)], order="warehouse_id")

    def _run_cron(self):
        self.cron.method_direct_trigger()
        self.env.invalidate_all()

    def _assert_flagged_10_march(self):
        self.assertEqual(
            self._statuses(
                "50001", "50002", "50003", "50004", "50005", "50006", "50101", "50102", "50103"
            ),
            {
                "50001": "overdue",
                "50002": "due_soon",
                "50003": "due_soon",
                "50004": "valid",
                "50005": "valid",
                "50006": "never",
                "50101": "overdue",
                "50102": "due_soon",
                "50103": "valid",
            },
        )
        notices = self._notices()
        self.assertEqual(notices.warehouse_id, self.central | self.regional)
        central = notices.filtered(lambda n: n.warehouse_id == self.central)
        regional = notices - central
        self.assertEqual(central.lot_ids.mapped("name"), ["50001", "50002", "50003"])
        self.assertEqual(
            (central.overdue_count, central.due_soon_count, central.meter_count), (1, 2, 3)
        )
        self.assertEqual(central.first_due_date, date(2026, 3, 9))
        self.assertEqual(regional.lot_ids.mapped("name"), ["50101", "50102"])
        self.assertEqual(set(notices.mapped("state")), {"announced"})
        # one activity per store, for the store's responsible, summarising its meters
        self.assertEqual(len(central.activity_ids), 1)
        self.assertEqual(central.activity_ids.user_id, self.storekeeper)
        self.assertIn("50001–50003 (3)", central.activity_ids.note)
        self.assertEqual(len(regional.activity_ids), 1)
        self.assertEqual(regional.activity_ids.user_id, self.field_technician)
        return central, regional

    @freeze_time("2026-03-10 06:00:00")
    def test_statuses_and_one_activity_per_store(self):
        self._run_cron()
        self._assert_flagged_10_march()
        self.assertEqual(self._meters("50001").meter_calibration_due_month, date(2026, 3, 1))

    def test_rerun_flags_nothing_twice(self):
        with freeze_time("2026-03-10 06:00:00"):
            self._run_cron()
            self._run_cron()
            central, regional = self._assert_flagged_10_march()
        with freeze_time("2026-03-11 06:00:00"):
            self._run_cron()
            self._run_cron()
        notices = self._notices()
        self.assertEqual(len(notices), 3, "only what newly falls due makes a new notice")
        new = notices - central - regional
        self.assertEqual(new.lot_ids.mapped("name"), ["50004"])
        self.assertEqual(self._statuses("50002")["50002"], "overdue")
        self.assertEqual(len(central.activity_ids) + len(regional.activity_ids), 2)
        self.assertEqual(len(new.activity_ids), 1)
        # a passed verification clears the flag: the next cycle flags the meter again
        self._to_lab(self._meters("50001"))
        self._record([{"meter": "50001", "as_found": 0.2}], test_date="2026-03-11")
        lot = self._meters("50001")
        self.assertFalse(lot.meter_calibration_notice_id)
        self.assertEqual(lot.meter_calibration_status, "valid")

    @freeze_time("2026-03-10 06:00:00")
    def test_draft_dispatch_of_due_meters_in_stock(self):
        self.company.write(
            {
                "meter_calibration_auto_dispatch": True,
                "meter_calibration_laboratory_id": self.laboratory.id,
            }
        )
        self._run_cron()
        self._run_cron()
        central, regional = self._assert_flagged_10_march()
        for notice, numbers in (
            (central, ["50001", "50002", "50003"]),
            (regional, ["50101", "50102"]),
        ):
            picking = notice.picking_id
            self.assertNotIn(picking.state, ("done", "cancel"), "prepared, not validated")
            self.assertEqual(picking.location_dest_id, self.lab_queue)
            self.assertEqual(sorted(picking.move_line_ids.lot_id.mapped("name")), numbers)
        pickings = self.env["stock.picking"].search(
            [("origin", "in", self._notices().mapped("name"))]
        )
        self.assertEqual(len(pickings), 2, "a rerun prepares no second dispatch")
        self.assertEqual(self._meters("50001").meter_state, "store")
        # the storekeeper validates the prepared dispatch: the meters reach the laboratory
        central.picking_id.button_validate()
        self.assertEqual(
            self._quantity_in(self.lab_queue, self._meters("50001", "50002", "50003")), 3
        )
        self.assertEqual(self._meters("50001").meter_state, "laboratory")

    @freeze_time("2026-03-10 06:00:00")
    def test_resume_after_interruption_in_a_batch(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM stock_lot WHERE is_meter")
        total = self.env.cr.fetchone()[0]
        self.assertEqual(
            self._statuses("50001", "50102"),
            {"50001": "valid", "50102": "valid"},
            "as on 1 January",
        )
        # the first batch stops three meters short of the end (our last meters: 50101-50103)
        self.Notice._cron_flag_calibration_due(batch_size=total - 3, max_batches=1)
        with self.assertRaises(Interrupted), self.env.cr.savepoint():
            self.Notice._cron_flag_calibration_due(batch_size=total - 3, max_batches=1)
            self.env.flush_all()
            self.assertEqual(self._statuses("50102")["50102"], "due_soon")
            raise Interrupted
        self.env.invalidate_all()
        # what the killed batch did is gone; the first batch's work stays
        self.assertEqual(self._statuses("50102")["50102"], "valid")
        self.assertEqual(self._statuses("50001")["50001"], "overdue")
        pending = self._notices()
        self.assertEqual(pending.warehouse_id, self.central)
        self.assertEqual(pending.state, "pending")
        self.assertFalse(pending.activity_ids, "nothing is announced before all meters are checked")
        self._run_cron()
        central, _regional = self._assert_flagged_10_march()
        self.assertEqual(central, pending, "the resumed run completes the pending notice")
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )
        self.assertEqual((progress.done, progress.remaining), (3, 0), "only the rest was checked")
        self._run_cron()
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )
        self.assertEqual(progress.done, 0, "the day is done")
