from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .test_calibration import CalibrationCommon


@tagged("post_install", "-at_install")
class TestCalibrationRegisters(CalibrationCommon):
    """Record Results through its screen: one pair of errors per register, the accuracy
    class a meter type needs, the certificate of each register's verdict."""

    def _batch_form(self, user=None):
        form = Form(self._env_as(user or self.lab_technician)["meter.calibration.batch"])
        form.laboratory_id = self.laboratory
        form.date = date(2026, 4, 1)
        return form

    def _certificate_text(self, calibration):
        # printed by the technician, as the form's Print Certificate button does
        action = calibration.with_env(self._env_as(self.lab_technician)).action_print_certificate()
        return " ".join(
            self._render_pdf_text(action["report_name"], action["context"]["active_ids"]).split()
        )

    def test_wizard_takes_one_result_per_register(self):
        self._create_meter("48001", product=self.ct_meter)
        self._create_meter("48002", product=self.ct_meter)
        self._create_meter("48003")
        self._to_lab(self._meters("48001", "48002", "48003"))
        form = self._batch_form()
        form.approver_id = self.meter_manager
        wizard = form.save()
        action = wizard.action_load_meters()
        self.assertEqual(action["name"], "Record Calibration Results", "the dialog's title")
        self.assertFalse(wizard.missing_accuracy_warning, "every type has its class")
        self.assertEqual(
            [(line.lot_id.name, line.register_type) for line in wizard.line_ids],
            [
                ("48001", "active"),
                ("48001", "reactive"),
                ("48001", "demand"),
                ("48002", "active"),
                ("48002", "reactive"),
                ("48002", "demand"),
                ("48003", "active"),
            ],
        )
        errors = {
            ("48001", "active"): (0.31, 0.12),
            ("48001", "reactive"): (0.80, 0.62),  # class 0.5 S: fails
            ("48001", "demand"): (0.2, None),
            ("48002", "active"): (0.1, None),
            ("48002", "reactive"): (0.7, None),
            ("48002", "demand"): (0.05, None),
            ("48003", "active"): (0.4, None),
        }
        form = Form(wizard)
        for index, line in enumerate(wizard.line_ids):
            as_found, as_left = errors[(line.lot_id.name, line.register_type)]
            with form.line_ids.edit(index) as row:
                row.as_found_error = as_found
                if as_left is not None:
                    row.as_left_error = as_left
                if (line.lot_id.name, line.register_type) == ("48002", "reactive"):
                    self.assertEqual(row.measured_result, "fail")
                    row.override_result = "pass"
                    row.override_reason = "Reference standard drift confirmed"
        form.save()
        action = wizard.action_confirm()
        self.assertEqual(action["name"], "Recorded calibrations: 2 passed, 1 failed")
        calibrations = self.env["meter.calibration"].search(action["domain"])
        first = calibrations.filtered(lambda cal: cal.lot_id.name == "48001")
        self.assertEqual(
            [
                (line.register_type, line.as_found_error, line.as_left_error, line.result)
                for line in first.line_ids
            ],
            [
                ("active", 0.31, 0.12, "pass"),
                ("reactive", 0.8, 0.62, "fail"),
                ("demand", 0.2, 0.2, "pass"),
            ],
        )
        self.assertEqual(first.result, "fail")
        self.assertEqual(self._meters("48003").meter_calibration_ids.result, "pass")
        text = self._certificate_text(first)
        for expected in (
            "Active energy 0.310 0.120 0.500 Pass",
            "Reactive energy 0.800 0.620 0.500 Fail",
            "Demand 0.200 0.200 0.500 Pass",
            "Result: Fail",
        ):
            self.assertIn(expected, text)
        # an overridden result: each register keeps its own verdict beside it
        second = calibrations.filtered(lambda cal: cal.lot_id.name == "48002")
        text = self._certificate_text(second)
        for expected in (
            "Active energy 0.100 0.100 0.500 Pass",
            "Reactive energy 0.700 0.700 0.500 Fail",
            "Demand 0.050 0.050 0.500 Pass",
            "Result: Pass (overridden: Reference standard drift confirmed",
        ):
            self.assertIn(expected, text)

    def test_rpc_per_register_and_meter_level_values(self):
        self._create_meter("48011", product=self.ct_meter)
        self._create_meter("48012")
        self._to_lab(self._meters("48011", "48012"))
        with self.assertRaisesRegex(UserError, r"48011 \(no result for Demand\)"):
            self._record(
                [
                    {
                        "meter": "48011",
                        "registers": [
                            {"register_type": "active", "as_found": 0.1},
                            {"register_type": "reactive", "as_found": 0.1},
                        ],
                    },
                    {"meter": "48012", "as_found": 0.1},
                ]
            )
        with self.assertRaisesRegex(
            UserError, r"48012 \(no register reactive; no result for Active energy\)"
        ):
            self._record(
                [{"meter": "48012", "registers": [{"register_type": "reactive", "as_found": 0}]}]
            )
        self.assertFalse(self._meters("48011", "48012").meter_calibration_ids, "nothing saved")
        result = self._record(
            [
                {
                    "meter": "48011",
                    "registers": [
                        {"register_type": "active", "as_found": 0.45, "as_left": 0.05},
                        {"register_type": "reactive", "as_found": -0.3},
                        {"register_type": "demand", "as_found": 0.49},
                    ],
                },
                {"meter": "48012", "as_found": 0.9, "as_left": 0.3},
            ]
        )
        self.assertEqual(result["passed"], ["48011", "48012"])
        lines = self._meters("48011").meter_calibration_ids.line_ids
        self.assertEqual(lines.mapped("as_found_error"), [0.45, -0.3, 0.49])
        self.assertEqual(lines.mapped("as_left_error"), [0.05, -0.3, 0.49])
        single = self._meters("48012").meter_calibration_ids.line_ids
        self.assertEqual((single.as_found_error, single.as_left_error), (0.9, 0.3))

    def test_meter_type_needs_an_accuracy_class(self):
        no_class = self._create_meter_type(
            "No class (test)", registers=[{"register_type": "active"}], validity_months=96
        )
        form = Form(self._env_as(self.meter_manager)["product.template"])
        form.name = "Another meter type"
        form.is_meter = True
        self.assertTrue(form.meter_accuracy_missing, "the form warns")
        form.meter_accuracy_class = "1"
        self.assertFalse(form.meter_accuracy_missing)
        arch = self.env.ref("meter_management.product_template_form_view").arch
        self.assertIn("has no accuracy class", arch)
        self._create_meter("48021", product=no_class)
        self._create_meter("48022")
        self._to_lab(self._meters("48021", "48022"))
        wizard = self._batch_form().save()
        wizard.action_load_meters()
        self.assertIn("No class (test)", wizard.missing_accuracy_warning)
        for line in wizard.line_ids:
            line.as_found_error = 0.1
        with self.assertRaisesRegex(UserError, r"No class \(test\).*48021"):
            wizard.action_confirm()
        with self.assertRaisesRegex(UserError, r"No class \(test\)"):
            self._record([{"meter": "48021", "as_found": 0.0}])
        self.assertFalse(self._meters("48021", "48022").meter_calibration_ids, "nothing saved")
        # one calibration made on its own form
        env = self._env_as(self.lab_technician)
        calibration_form = Form(env["meter.calibration"])
        calibration_form.lot_id = self._meters("48021")
        calibration_form.laboratory_id = self.laboratory
        calibration = calibration_form.save()
        with self.assertRaisesRegex(UserError, r"No class \(test\)"):
            calibration.action_validate()

    def test_load_with_nothing_waiting_says_so(self):
        wizard = self._batch_form().save()
        with self.assertRaisesRegex(
            UserError, r"No meter is waiting in laboratory Laboratory \(test\)"
        ):
            wizard.action_load_meters()
        self._create_meter("48031")
        self._to_lab(self._meters("48031"))
        wizard.action_load_meters()
        with self.assertRaisesRegex(UserError, "already loaded"):
            wizard.action_load_meters()

    def test_certificate_names_standard_equipment_and_signatures(self):
        self.laboratory.write(
            {
                "meter_reference_standard": "Reference meter RS-3 No. 41877",
                "meter_test_equipment": "Test bench TB-3",
            }
        )
        self._create_meter("48041")
        self._to_lab(self._meters("48041"))
        form = self._batch_form()
        self.assertEqual(form.reference_standard, "Reference meter RS-3 No. 41877")
        form.test_equipment = "Test bench TB-3, position 2"
        form.approver_id = self.meter_manager
        wizard = form.save()
        wizard.action_load_meters()
        wizard.line_ids.as_found_error = 0.2
        calibration = self.env["meter.calibration"].search(wizard.action_confirm()["domain"])
        text = self._certificate_text(calibration)
        for expected in (
            "Reference standard: Reference meter RS-3 No. 41877",
            "Laboratory equipment: Test bench TB-3, position 2",
            f"Tested by: {self.lab_technician.name}",
            f"Approved by: {self.meter_manager.name}",
            "Signature and date",
        ):
            self.assertIn(expected, text)


@tagged("post_install", "-at_install")
class TestCalibrationRegistersTour(CalibrationCommon, HttpCase):
    def test_record_results_per_register_tour(self):
        self._create_meter("49001", product=self.ct_meter)
        self._create_meter("49002")
        self._to_lab(self._meters("49001", "49002"))
        self.start_tour(
            "/odoo/action-meter_management.meter_calibration_batch_action",
            "meter_calibration_batch_tour",
            login=self.lab_technician.login,
        )
        ct_meter, single = self._meters("49001", "49002")
        self.assertEqual(
            [
                (line.register_type, line.as_found_error, line.result)
                for line in ct_meter.meter_calibration_ids.line_ids
            ],
            [("active", 0.3, "pass"), ("reactive", 0.8, "fail"), ("demand", 0.1, "pass")],
        )
        self.assertEqual(ct_meter.meter_calibration_status, "failed")
        self.assertEqual(single.meter_calibration_ids.line_ids.as_found_error, 0.4)
        self.assertEqual(single.meter_calibration_status, "valid")
