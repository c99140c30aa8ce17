from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common_anomaly import DATES, AnomalyCommon


@tagged("post_install", "-at_install")
class TestAnomalyWorkflow(AnomalyCommon):
    """Review and resolution, corrections (the value read is kept, billing uses the
    corrected one), billing blocked until resolved, and what each role may do."""

    METERS = [("AN-W1", "single_phase"), ("AN-W2", "single_phase")]

    def _resolve(self, anomalies, env, resolution, **vals):
        action = anomalies.with_env(env).action_open_resolve_wizard()
        with Form(env[action["res_model"]].with_context(**action["context"])) as form:
            form.resolution = resolution
            for name, value in vals.items():
                setattr(form, name, value)
        return form.record.action_confirm()

    def _billing(self, number="AN-W1"):
        (entry,) = self.billing_env["meter.service.point"].get_billing_consumption(
            "2026-01-01", "2026-05-31", [self.points[number].name]
        )
        return entry

    def test_blocking_anomaly_keeps_reading_out_of_billing_until_resolved(self):
        self._import(
            [
                ("AN-W1", "active", DATES[0], 110),
                ("AN-W1", "active", DATES[1], 210),
                ("AN-W1", "active", DATES[2], 310, "DMG"),  # meter damaged: blocks billing
                ("AN-W1", "active", DATES[3], 400),
            ]
        )
        anomaly = self.env["meter.anomaly"].search([("lot_id", "=", self.meters["AN-W1"].id)])
        self.assertEqual((anomaly.type_id.code, anomaly.severity), ("DMG", "block"))
        entry = self._billing()
        self.assertEqual(entry["consumption"], 290)
        segment = entry["segments"][0]
        self.assertEqual((segment["blocked"], segment["blocked_consumption"]), (1, 100))
        # field staff cannot resolve it; the billing clerk can
        with self.assertRaises(AccessError):
            self._resolve(anomaly, self.field_env, "confirmed", note="seen on site")
        anomaly.with_env(self.billing_env).action_review()
        self.assertEqual(anomaly.state, "review")
        self._resolve(anomaly, self.billing_env, "confirmed", note="the reading is right")
        self.assertEqual(
            (anomaly.state, anomaly.resolution, anomaly.resolved_uid),
            ("resolved", "confirmed", self.billing_clerk),
        )
        entry = self._billing()
        self.assertEqual(entry["consumption"], 390)
        self.assertEqual(entry["segments"][0]["blocked"], 0)

    def test_correction_keeps_the_value_read_and_billing_uses_the_corrected_one(self):
        self._import(
            [
                ("AN-W1", "active", DATES[0], 110),
                ("AN-W1", "active", DATES[1], 210),
                ("AN-W1", "active", DATES[2], 120),  # 90 back: negative consumption
                ("AN-W1", "active", DATES[3], 400),
            ]
        )
        anomaly = self.env["meter.anomaly"].search([("lot_id", "=", self.meters["AN-W1"].id)])
        self.assertEqual(anomaly.type_id.code, "NEG")
        reading = anomaly.reading_id
        # 100 + 100 + (blocked) + 280 from the wrong 120
        self.assertEqual(self._billing()["consumption"], 480)
        with self.assertRaises(AccessError):
            self._resolve(anomaly, self.field_env, "corrected", corrected_value=310, note="x")
        with self.assertRaises(AccessError):
            reading.with_env(self.field_env).write({"is_corrected": True, "corrected_value": 1})
        self._resolve(
            anomaly, self.billing_env, "corrected", corrected_value=310, note="photo shows 310"
        )
        self.assertEqual(reading.value, 120)
        self.assertEqual(
            (
                reading.is_corrected,
                reading.corrected_value,
                reading.correction_uid,
                reading.correction_reason,
            ),
            (True, 310, self.billing_clerk, "photo shows 310"),
        )
        self.assertTrue(reading.correction_date)
        self.assertEqual((reading.units, reading.billing_value), (100, 310))
        self.assertIn("Corrected from 120 to 310: 310 − 210.", reading.consumption_note)
        following = self.env["meter.reading"].search(
            [("lot_id", "=", self.meters["AN-W1"].id), ("reading_date", "=", DATES[3])]
        )
        self.assertEqual((following.previous_value, following.units), (310, 90))
        self.assertEqual((anomaly.state, anomaly.resolution), ("resolved", "corrected"))
        entry = self._billing()
        self.assertEqual(entry["consumption"], 390)
        self.assertEqual(entry["segments"][0]["corrected"], 1)

    def test_roles(self):
        self._import(
            [
                ("AN-W2", "active", date, value)
                for date, value in zip(DATES, (110, 210, 310, 1000), strict=True)
            ]
        )
        high = self.env["meter.anomaly"].search([("lot_id", "=", self.meters["AN-W2"].id)])
        self.assertEqual((high.type_id.code, high.severity), ("HIGH", "warning"))
        user_env = self._env_as(self.meter_user)
        self.assertEqual(user_env["meter.anomaly"].search([]), high)
        with self.assertRaises(AccessError):
            high.with_env(user_env).action_review()
        # field staff resolve what does not block billing (a re-read confirmed it)
        self._resolve(high, self.field_env, "confirmed", note="re-read: 1000")
        self.assertEqual(high.state, "resolved")
        # the manager configures types; the billing clerk does not
        with self.assertRaises(AccessError):
            self.billing_env["meter.anomaly.type"].create(
                {"code": "X", "name": "X", "rule": "reader_code"}
            )
        self._env_as(self.meter_manager)["meter.anomaly.type"].create(
            {"code": "X", "name": "Gate locked", "rule": "reader_code", "severity": "info"}
        )
        # another company's anomalies are not seen
        other = self.env["res.company"].create({"name": "Other Utility"})
        high.sudo().copy(
            {"company_id": other.id, "service_point_id": False, "installation_id": False}
        )
        self.assertEqual(self.billing_env["meter.anomaly"].search([]), high)
        self.billing_clerk.write({"company_ids": [Command.link(other.id)]})
        self.assertEqual(len(self._env_as(self.billing_clerk)["meter.anomaly"].search([])), 2)
