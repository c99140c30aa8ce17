from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_anomaly import DATES, AnomalyCommon


@tagged("post_install", "-at_install")
class TestServiceOrder(AnomalyCommon):
    """Service orders raised from anomalies (one per point and type, escalated), and their
    completion: exchange, re-read, failed visit, refusal, roles."""

    METERS = [("SO-A1", "single_phase"), ("SO-B1", "single_phase")]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spare = cls._create_meter("SO-N1")

    def _no_access(self, number, *dates):
        return self._import([(number, "active", date, "", "NA") for date in dates])

    def _complete(self, order, env=None, **vals):
        env = env or self.field_env
        action = order.with_env(env).action_open_complete_wizard()
        with Form(env[action["res_model"]].with_context(**action["context"])) as form:
            lines = vals.pop("lines", {})
            for name, value in vals.items():
                setattr(form, name, value)
            for index in range(len(form.line_ids)):
                with form.line_ids.edit(index) as line:
                    line.value = lines.get((line.role, line.register_type), 0.0)
        return form.record.action_confirm()

    def test_anomalies_raise_one_order_per_point_and_escalate(self):
        self._no_access("SO-A1", DATES[0])
        order = self.env["meter.service.order"].search([])
        self.assertEqual(
            (order.order_type, order.service_point_id, order.lot_id, order.origin),
            ("reread", self.points["SO-A1"], self.meters["SO-A1"], "anomaly"),
        )
        self.assertEqual((order.priority, order.appointment, order.state), ("0", False, "new"))
        # the second "no access" joins the open order; the third escalates it
        self._no_access("SO-A1", DATES[1])
        self.assertEqual(self.env["meter.service.order"].search([]), order)
        self.assertEqual((len(order.anomaly_ids), order.appointment), (2, False))
        self._no_access("SO-A1", DATES[2])
        self.assertEqual(self.env["meter.service.order"].search([]), order)
        self.assertEqual(
            (len(order.anomaly_ids), order.appointment, order.priority), (3, True, "2")
        )
        self.assertIn("Escalated", order.message_ids[0].body)
        # another point: its own order
        self._no_access("SO-B1", DATES[0])
        self.assertEqual(len(self.env["meter.service.order"].search([])), 2)
        # an order deleted by the manager releases its anomalies
        anomalies = order.anomaly_ids
        order.with_user(self.meter_manager).unlink()
        self.assertFalse(anomalies.service_order_id)

    def test_reread_records_the_reading_and_resolves_its_anomalies(self):
        self._no_access("SO-A1", DATES[0])
        order = self.env["meter.service.order"].search([])
        self._complete(order, lines={("reading", "active"): 120}, note="dog tied up")
        reading = order.reading_ids
        self.assertEqual((reading.value, reading.units, reading.kind), (120, 110, "actual"))
        self.assertEqual(order.state, "done")
        self.assertEqual(
            (order.anomaly_ids.state, order.anomaly_ids.resolution, order.anomaly_ids.resolved_uid),
            ("resolved", "service_order", self.field_technician),
        )

    def test_failed_visit_keeps_anomalies_open(self):
        self._no_access("SO-A1", DATES[0])
        order = self.env["meter.service.order"].search([])
        with self.assertRaises(AccessError):
            self._complete(order, env=self._env_as(self.meter_user), outcome="failed")
        self._complete(order, outcome="failed", failure_reason="customer_absent", note="rang twice")
        self.assertEqual((order.failure_reason, order.failed_visits), ("customer_absent", 1))
        self.assertNotIn(order.state, ("done", "cancel"))
        self.assertEqual(order.anomaly_ids.state, "new")
        self.assertFalse(self.env["meter.reading"].search([("note", "ilike", order.name)]))

    def test_exchange_order_does_what_the_wizard_does(self):
        # a damaged meter: an exchange order
        self._import([("SO-A1", "active", DATES[0], 50, "DMG")])
        order = self.env["meter.service.order"].search([])
        self.assertEqual(order.order_type, "exchange")
        old_installation = self.points["SO-A1"].current_installation_ids
        # refused as the wizard refuses (a meter that is not in a store): nothing done
        with self.assertRaisesRegex(UserError, "SO-B1"):
            self._complete(
                order,
                new_lot_id=self.meters["SO-B1"],
                date="2026-02-10 09:00:00",
                lines={("final", "active"): 60, ("initial", "active"): 5},
            )
        self.assertEqual(order.state, "new")
        self.assertFalse(old_installation.date_to)
        self._complete(
            order,
            new_lot_id=self.spare,
            date="2026-02-10 09:00:00",
            lines={("final", "active"): 60, ("initial", "active"): 5},
        )
        self.assertEqual(order.state, "done")
        self.assertEqual(str(old_installation.date_to), "2026-02-10 09:00:00")
        self.assertEqual(old_installation.final_reading_ids.mapped("value"), [60])
        new = order.new_installation_id
        self.assertEqual((new.lot_id, new.service_point_id), (self.spare, self.points["SO-A1"]))
        self.assertEqual(new.initial_reading_ids.mapped("value"), [5])
        self.assertEqual(order.removed_installation_id, old_installation)
        self.assertEqual(
            order.reading_ids, old_installation.final_reading_ids | new.initial_reading_ids
        )
        self.assertEqual(self.meters["SO-A1"].meter_state, "store")
        self.assertEqual(self.spare.meter_state, "installed")
        self.assertEqual(old_installation.removal_picking_id.state, "done")
        self.assertEqual(new.install_picking_id.state, "done")
        self.assertEqual(order.anomaly_ids.state, "resolved")
