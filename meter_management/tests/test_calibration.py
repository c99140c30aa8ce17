from datetime import date

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import MeterCommon


class CalibrationCommon(MeterCommon):
    """Meter types with accuracy classes, meters in the laboratory's queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.single_phase.meter_accuracy_class = "1"  # ± 1 %
        cls.ct_meter.write({"meter_accuracy_class": "0.5S", "meter_validity_end_of_year": True})
        cls.lab_queue = cls.laboratory.meter_lab_queue_location_id

    @classmethod
    def _to_lab(cls, lots, laboratory=None):
        lots._move_meters_to((laboratory or cls.laboratory).meter_lab_queue_location_id)
        return lots

    def _record(self, results, test_date="2026-03-10", user=None, reason="periodic"):
        env = self._env_as(user or self.lab_technician)
        return env["meter.calibration"].record_results(
            {
                "laboratory_id": self.laboratory.id,
                "date": test_date,
                "reason": reason,
                "results": results,
            }
        )


@tagged("post_install", "-at_install")
class TestCalibration(CalibrationCommon):
    def test_pass_sets_last_and_next_due_date(self):
        self._register_range("40001", "40003")
        meters = self._to_lab(self._meters("40001", "40002", "40003"))
        self.assertEqual(set(meters.mapped("meter_state")), {"laboratory"})
        today = fields.Date.context_today(meters)
        self.assertEqual(set(meters.mapped("meter_lab_arrival_date")), {today}, "waiting")
        result = self._record(
            [
                {"meter": "40001", "as_found": 1.8, "as_left": 0.3},
                {"meter": "40002", "as_found": -0.99},
                {"meter": "40003", "as_found": 0.2, "as_left": -1.2},
            ]
        )
        self.assertEqual(result["passed"], ["40001", "40002"])
        self.assertEqual(result["failed"], ["40003"])
        m1, m2, m3 = meters
        self.assertEqual(m1.meter_last_calibration_date, date(2026, 3, 10))
        self.assertEqual(m1.meter_next_calibration_date, date(2034, 3, 10))  # 96 months
        self.assertEqual(m1.meter_calibration_due_month, date(2034, 3, 1))
        self.assertEqual(m2.meter_next_calibration_date, date(2034, 3, 10))
        self.assertEqual(m3.meter_next_calibration_date, False)
        self.assertEqual(m3.meter_calibration_status, "failed")
        self.assertEqual(m3.meter_state, "laboratory", "a failed meter stays for repair")
        self.assertFalse(any(meters.mapped("meter_lab_arrival_date")), "tested: no longer waiting")
        calibration = m1.meter_calibration_ids
        self.assertEqual(len(calibration), 1)
        self.assertTrue(calibration.name.startswith("CAL/"))
        self.assertEqual(calibration.tolerance, 1.0)
        self.assertEqual(calibration.line_ids.mapped("as_found_error"), [1.8])
        self.assertEqual(calibration.next_due_date, date(2034, 3, 10))
        self.assertNotEqual(calibration.name, m2.meter_calibration_ids.name)

    def test_end_of_year_rule_and_leap_day(self):
        self._create_meter("41001", product=self.ct_meter)
        self._create_meter("41002")
        ct, single = self._to_lab(self._meters("41001", "41002"))
        self._record(
            [{"meter": "41001", "as_found": 0.4}, {"meter": "41002", "as_found": 0.4}],
            test_date="2024-02-29",
        )
        # CT meter: class 0.5 S, 60 months, to the end of the final year
        self.assertEqual(ct.meter_next_calibration_date, date(2029, 12, 31))
        self.assertEqual(len(ct.meter_calibration_ids.line_ids), 3, "one line per register")
        # single-phase: 96 months from 29 February 2024 is 29 February 2032
        self.assertEqual(single.meter_next_calibration_date, date(2032, 2, 29))
        # a later failed test makes the meter failed; a pass after repair makes it valid again
        self._record([{"meter": "41002", "as_found": 3.0}], test_date="2024-06-03")
        self.assertEqual(single.meter_calibration_status, "failed")
        self._record([{"meter": "41002", "as_found": 0.1}], test_date="2025-02-28", reason="repair")
        self.assertEqual(single.meter_next_calibration_date, date(2033, 2, 28))
        self.assertEqual(single.meter_calibration_status, "valid")

    def test_fail_rejects_to_the_laboratory_rejected_location(self):
        self._register_range("42001", "42002")
        meters = self._to_lab(self._meters("42001", "42002"))
        self._record(
            [
                {"meter": "42001", "as_found": 2.5, "fail_action": "reject"},
                {"meter": "42002", "as_found": 2.5, "fail_action": "repair"},
            ]
        )
        rejected = self.laboratory.meter_rejected_location_id
        self.assertEqual(self._quantity_in(rejected, meters[0]), 1)
        self.assertEqual(self._quantity_in(self.lab_queue, meters[0]), 0)
        self.assertEqual(meters[0].meter_state, "rejected")
        self.assertEqual(self._quantity_in(self.lab_queue, meters[1]), 1)
        self.assertEqual(meters.mapped("meter_calibration_status"), ["failed", "failed"])

    def test_override_needs_a_written_reason(self):
        self._register_range("43001", "43002")
        self._to_lab(self._meters("43001", "43002"))
        with self.assertRaisesRegex(ValidationError, "43001"), self.env.cr.savepoint():
            self._record([{"meter": "43001", "as_found": 1.5, "override_result": "pass"}])
        self.assertFalse(self._meters("43001").meter_calibration_ids)
        self._record(
            [
                {
                    "meter": "43002",
                    "as_found": 1.05,
                    "override_result": "pass",
                    "override_reason": "Reference standard drift of 0.06 % confirmed",
                }
            ]
        )
        calibration = self._meters("43002").meter_calibration_ids
        self.assertEqual((calibration.computed_result, calibration.result), ("fail", "pass"))
        self.assertEqual(self._meters("43002").meter_calibration_status, "valid")

    def test_meters_outside_the_laboratory_are_refused(self):
        self._register_range("44001", "44003")
        self._to_lab(self._meters("44001"))
        with self.assertRaisesRegex(UserError, "44002, 44003"):
            self._record(
                [
                    {"meter": "44001", "as_found": 0.1},
                    {"meter": "44002", "as_found": 0.1},
                    {"meter": "44003", "as_found": 0.1},
                ]
            )
        with self.assertRaisesRegex(UserError, "99999"):
            self._record([{"meter": "99999", "as_found": 0.1}])
        self.assertFalse(self._meters("44001", "44002", "44003").meter_calibration_ids)

    def test_batch_wizard(self):
        self._register_range("45001", "45004")
        self._create_meter("45005")  # stays in the central store
        self._to_lab(self._meters("45001", "45002", "45003", "45004"))
        env = self._env_as(self.lab_technician)
        form = Form(env["meter.calibration.batch"])
        form.laboratory_id = self.laboratory
        form.date = date(2026, 4, 1)
        form.meter_numbers = "45001-45005"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "45005"):
            wizard.action_load_meters()
        wizard.meter_numbers = False
        wizard.action_load_meters()
        self.assertEqual(
            wizard.line_ids.lot_id.mapped("name"), ["45001", "45002", "45003", "45004"]
        )
        errors = {"45001": 0.5, "45002": -0.7, "45003": 1.4, "45004": 0.9}
        for line in wizard.line_ids:
            line.as_found_error = errors[line.lot_id.name]
        wizard.line_ids.filtered(lambda line: line.lot_id.name == "45003").fail_action = "reject"
        self.assertEqual(
            wizard.line_ids.mapped("measured_result"), ["pass", "pass", "fail", "pass"]
        )
        action = wizard.action_confirm()
        calibrations = env["meter.calibration"].search(action["domain"])
        self.assertEqual(len(calibrations), 4)
        self.assertEqual(set(calibrations.mapped("state")), {"done"})
        self.assertEqual(set(calibrations.mapped("technician_id")), {self.lab_technician})
        self.assertEqual(self._meters("45003").meter_state, "rejected")
        self.assertEqual(
            self._meters("45001", "45002", "45004").mapped("meter_next_calibration_date"),
            [date(2034, 4, 1)] * 3,
        )

    def test_only_the_laboratory_records_results(self):
        self._create_meter("46001")
        self._to_lab(self._meters("46001"))
        for user in (self.meter_user, self.storekeeper, self.field_technician):
            with self.assertRaises(AccessError):
                self._record([{"meter": "46001", "as_found": 0.1}], user=user)
        self._record([{"meter": "46001", "as_found": 0.1}], user=self.lab_technician)
        calibration = self._env_as(self.meter_user)["meter.calibration"].search(
            [("lot_id.name", "=", "46001")]
        )
        self.assertEqual(calibration.result, "pass", "a meter user reads the results")

    def test_certificate_pdf(self):
        self._create_meter("47001", product=self.ct_meter)
        self._to_lab(self._meters("47001"))
        self._record([{"meter": "47001", "as_found": 0.31, "as_left": 0.12}])
        calibration = self._meters("47001").meter_calibration_ids
        text = " ".join(
            self._render_pdf_text(
                "meter_management.action_report_meter_calibration", calibration.ids
            ).split()
        )
        for expected in (
            calibration.name,
            "47001",
            "Active energy 0.310 0.120 0.500 Pass",
            "Valid until: 12/31/2031",
        ):
            self.assertIn(expected, text)
