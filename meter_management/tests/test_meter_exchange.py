from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import METERS_RECEIVED_ON, MeterCommon

INITIAL_A = {("initial", "active"): 1000, ("initial", "reactive"): 500, ("initial", "demand"): 0}


@tagged("post_install", "-at_install")
class TestMeterExchange(MeterCommon):
    """Install, remove and exchange meters at service points through the wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # received before the installations the tests date in 2026
        with freeze_time(METERS_RECEIVED_ON):
            cls.meter_a = cls._create_meter("CT-A001", product=cls.ct_meter)
            # another CT ratio: 100/5, multiplier 20
            cls.meter_b = cls._create_meter(
                "CT-B001",
                product=cls.ct_meter,
                ct_primary=100,
                ct_secondary=5,
                pt_primary=1,
                pt_secondary=1,
            )
            cls.meter_c = cls._create_meter("SP-C001")
        cls.point = cls._create_service_point(contract_ref="CON-1")
        cls.other_point = cls._create_service_point(contract_ref="CON-2")
        cls.installed = cls.company._get_meter_installed_location()

    def _readings(self, lot, kind=None):
        domain = [("lot_id", "=", lot.id)] + ([("kind", "=", kind)] if kind else [])
        readings = self.env["meter.reading"].search(domain)
        return {r.register_type: r.value for r in readings}

    def _install_a(self, date="2026-01-15 10:00:00"):
        self._run_installation_wizard("install", self.point, date, INITIAL_A, new_lot=self.meter_a)
        return self.point.current_installation_ids

    def test_install_moves_meter_and_records_initial_readings(self):
        installation = self._install_a()
        self.assertEqual(installation.lot_id, self.meter_a)
        self.assertEqual(self.point.current_lot_id, self.meter_a)
        self.assertEqual(self.meter_a.meter_service_point_id, self.point)
        self.assertEqual(self.meter_a.meter_state, "installed")
        self.assertEqual(self._quantity_in(self.installed, self.meter_a), 1)
        self.assertEqual(self._quantity_in(self.central.lot_stock_id, self.meter_a), 0)
        self.assertEqual(
            self._readings(self.meter_a, "installation"),
            {"active": 1000, "reactive": 500, "demand": 0},
        )
        self.assertEqual(set(installation.initial_reading_ids.mapped("multiplier")), {40})
        self.assertEqual(installation.install_picking_id.state, "done")
        self.assertEqual(str(installation.date_from), "2026-01-15 10:00:00")
        # its readings keep it: an installation with readings is never deleted
        with self.assertRaisesRegex(UserError, "has readings"):
            installation.with_user(self.meter_manager).unlink()

    def test_exchange_records_final_and_initial_readings_atomically(self):
        old = self._install_a()
        self._run_installation_wizard(
            "exchange",
            self.point,
            "2026-03-16 09:00:00",
            {
                ("final", "active"): 1250.5,
                ("final", "reactive"): 580,
                ("final", "demand"): 14.2,
                ("initial", "active"): 300,
                ("initial", "reactive"): 100,
                ("initial", "demand"): 0,
            },
            new_lot=self.meter_b,
            destination="store",
            warehouse_id=self.regional.id,
        )
        self.assertEqual(str(old.date_to), "2026-03-16 09:00:00")
        self.assertEqual(
            self._readings(self.meter_a, "removal"),
            {"active": 1250.5, "reactive": 580, "demand": 14.2},
        )
        self.assertEqual(
            old.final_reading_ids.filtered(lambda r: r.register_type == "active").consumption,
            250.5 * 40,
        )
        new = self.point.current_installation_ids
        self.assertEqual(new.lot_id, self.meter_b)
        self.assertEqual(set(new.initial_reading_ids.mapped("multiplier")), {20})
        self.assertEqual(self.point.installation_count, 2)
        self.assertEqual(self._quantity_in(self.regional.lot_stock_id, self.meter_a), 1)
        self.assertEqual(self.meter_a.meter_state, "store")
        self.assertFalse(self.meter_a.meter_service_point_id)
        self.assertEqual(self.meter_b.meter_service_point_id, self.point)
        self.assertEqual(self._quantity_in(self.installed, self.meter_b), 1)

    def test_meter_removed_for_calibration_then_installed_elsewhere_keeps_histories(self):
        first = self._install_a()
        self._run_installation_wizard(
            "remove",
            self.point,
            "2026-02-01 08:00:00",
            {("final", "active"): 1100, ("final", "reactive"): 520, ("final", "demand"): 3},
            destination="laboratory",
            warehouse_id=self.laboratory.id,
            removal_reason="periodic calibration",
        )
        self.assertEqual(self.meter_a.meter_state, "laboratory")
        self.assertEqual(
            self._quantity_in(self.laboratory.meter_lab_queue_location_id, self.meter_a), 1
        )
        self.assertFalse(self.point.current_lot_id)
        # back from the laboratory into the central store, then installed at another point
        with freeze_time("2026-03-01 12:00:00"):
            self._transfer(self.meter_a, self.central.lot_stock_id)
        self._run_installation_wizard(
            "install",
            self.other_point,
            "2026-04-01 08:00:00",
            {("initial", "active"): 1100, ("initial", "reactive"): 520},
            new_lot=self.meter_a,
        )
        second = self.other_point.current_installation_ids
        self.assertEqual(self.meter_a.meter_installation_ids, first | second)
        self.assertEqual(first.service_point_id, self.point)
        self.assertEqual(len(first.reading_ids), 6)
        self.assertEqual(second.service_point_id, self.other_point)
        self.assertEqual(len(second.reading_ids), 3)
        # the chains are per installation: the new installation starts afresh
        self.assertEqual(sum(second.reading_ids.mapped("consumption")), 0)

    def test_final_reading_accepted_as_rollover(self):
        installation = self._install_a()
        self.env["meter.reading"].create(
            {
                "lot_id": self.meter_a.id,
                "register_type": "active",
                "reading_date": "2026-02-28 23:00:00",
                "value": 99950,
            }
        )
        self._run_installation_wizard(
            "remove",
            self.point,
            "2026-03-10 10:00:00",
            {("final", "active"): 30, ("final", "reactive"): 600, ("final", "demand"): 5},
        )
        final = installation.final_reading_ids.filtered(lambda r: r.register_type == "active")
        self.assertTrue(final.rollover)
        self.assertEqual(final.units, 80)
        self.assertEqual(final.consumption, 80 * 40)

    # ------------------------------------------------------------------
    # refusals: a clear message, nothing saved
    # ------------------------------------------------------------------

    def _assert_nothing_saved(self, before):
        self.assertEqual(self.env["meter.installation"].search_count([]), before["installations"])
        self.assertEqual(self.env["meter.reading"].search_count([]), before["readings"])
        self.assertEqual(self.env["stock.picking"].search_count([]), before["pickings"])

    def _counts(self):
        return {
            "installations": self.env["meter.installation"].search_count([]),
            "readings": self.env["meter.reading"].search_count([]),
            "pickings": self.env["stock.picking"].search_count([]),
        }

    def test_refuse_meter_not_in_store(self):
        self._install_a()
        before = self._counts()
        with self.assertRaisesRegex(UserError, r"CT-A001: installed at service point"):
            self._run_installation_wizard(
                "install", self.other_point, "2026-02-01 08:00:00", new_lot=self.meter_a
            )
        self._assert_nothing_saved(before)

    def test_refuse_rejected_meter(self):
        self._transfer(self.meter_c, self.central.meter_rejected_location_id)
        self.assertEqual(self.meter_c.meter_state, "rejected")
        before = self._counts()
        with self.assertRaisesRegex(UserError, r"SP-C001: rejected at Central \(test\)"):
            self._run_installation_wizard(
                "install", self.point, "2026-02-01 08:00:00", new_lot=self.meter_c
            )
        self._assert_nothing_saved(before)

    def test_refuse_meter_out_of_calibration_validity(self):
        if "meter_next_calibration_date" not in self.env["stock.lot"]._fields:
            self.skipTest("no calibration due date on meters")
        self.meter_c.meter_next_calibration_date = "2026-01-31"
        before = self._counts()
        with self.assertRaisesRegex(UserError, "SP-C001: out of calibration validity"):
            self._run_installation_wizard(
                "install", self.point, "2026-02-01 08:00:00", new_lot=self.meter_c
            )
        self._assert_nothing_saved(before)
        # the day before it falls due, it may be installed
        self._run_installation_wizard(
            "install", self.point, "2026-01-30 08:00:00", new_lot=self.meter_c
        )
        self.assertEqual(self.point.current_lot_id, self.meter_c)

    def test_refuse_removal_before_installation(self):
        self._install_a()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "cannot be removed on 2026-01-10 .*installed"):
            self._run_installation_wizard("remove", self.point, "2026-01-10 08:00:00")
        self._assert_nothing_saved(before)
        self.assertEqual(self.meter_a.meter_state, "installed")

    def test_refuse_second_meter_on_a_point_that_takes_one(self):
        self._install_a()
        before = self._counts()
        with self.assertRaisesRegex(UserError, "takes 1 meter.*CT-A001"):
            self._run_installation_wizard(
                "install", self.point, "2026-02-01 08:00:00", new_lot=self.meter_c
            )
        self._assert_nothing_saved(before)
        self.assertEqual(self.meter_c.meter_state, "store")
        # a point that takes two accepts it
        self.point.meter_capacity = 2
        self._run_installation_wizard(
            "install", self.point, "2026-02-01 08:00:00", new_lot=self.meter_c
        )
        self.assertEqual(len(self.point.current_installation_ids), 2)

    def test_refuse_final_reading_below_last_reading(self):
        self._install_a()
        before = self._counts()
        # 1000 -> 900 would be 99900 units as a rollover: refused
        with self.assertRaisesRegex(UserError, "reading 900.0 refused, the last reading is 1000"):
            self._run_installation_wizard(
                "exchange",
                self.point,
                "2026-03-16 09:00:00",
                {("final", "active"): 900, ("final", "reactive"): 600},
                new_lot=self.meter_b,
            )
        self._assert_nothing_saved(before)
        self.assertEqual(self.meter_a.meter_state, "installed")
        self.assertEqual(self.meter_b.meter_state, "store")
        self.assertFalse(self.point.current_installation_ids.date_to)

    def test_exchange_is_atomic_when_the_new_meter_is_refused(self):
        self._install_a()
        self._transfer(self.meter_c, self.central.meter_rejected_location_id)
        before = self._counts()
        with self.assertRaisesRegex(UserError, r"SP-C001: rejected at Central \(test\)"):
            self._run_installation_wizard(
                "exchange",
                self.point,
                "2026-03-16 09:00:00",
                {("final", "active"): 1100, ("final", "reactive"): 600},
                new_lot=self.meter_c,
            )
        self._assert_nothing_saved(before)
        self.assertEqual(self.point.current_lot_id, self.meter_a)
        self.assertEqual(self.meter_a.meter_state, "installed")

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------

    def test_access_field_installs_meter_user_reads_only(self):
        self._install_a()
        readings = self._env_as(self.meter_user)["meter.reading"].search(
            [("lot_id", "=", self.meter_a.id)]
        )
        self.assertEqual(len(readings), 3)
        point = self._env_as(self.meter_user)["meter.service.point"].browse(self.point.id)
        self.assertEqual(point.current_lot_id, self.meter_a)
        with self.assertRaises(AccessError):
            self._run_installation_wizard(
                "install",
                self.other_point,
                "2026-02-01 08:00:00",
                new_lot=self.meter_c,
                user=self.meter_user,
            )
        with self.assertRaises(AccessError):
            self._env_as(self.meter_user)["meter.reading"].create(
                {
                    "lot_id": self.meter_a.id,
                    "register_type": "active",
                    "reading_date": "2026-02-01 08:00:00",
                    "value": 1010,
                }
            )
        with self.assertRaises(AccessError):
            readings[0].with_user(self.meter_user).value = 1
