from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import MeterCommon


class MeterMovementCommon(MeterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transit = cls.company.internal_transit_location_id
        cls.reason_damaged = cls.env.ref("meter_management.meter_movement_reason_damaged_transport")
        cls.reason_seal = cls.env.ref("meter_management.meter_movement_reason_broken_seal")

    @classmethod
    def _new_meter_picking(cls, store, kind, dest_store=None, user=None, **vals):
        """A draft meter picking of ``kind`` (dispatch, rejection) at ``store``."""
        picking_type = store[f"meter_{kind}_type_id"]
        env = cls.env(user=user) if user else cls.env
        return env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": picking_type.default_location_dest_id.id,
                "meter_dest_warehouse_id": dest_store.id if dest_store else False,
                **vals,
            }
        )

    @classmethod
    def _dispatch(cls, text, source=None, dest=None, user=None, validate=True):
        dispatch = cls._new_meter_picking(
            source or cls.central, "dispatch", dest_store=dest or cls.regional, user=user
        )
        dispatch._add_meter_numbers(text)
        if validate:
            dispatch.button_validate()
        return dispatch

    def _state(self, *numbers):
        meters = self._meters(*numbers)
        meters.invalidate_recordset()
        return set(meters.mapped("meter_state"))


@tagged("post_install", "-at_install")
class TestMeterMovements(MeterMovementCommon):
    def test_store_operation_types(self):
        for store in (self.central, self.regional, self.laboratory):
            self.assertEqual(store.in_type_id.meter_movement_kind, "receipt")
            self.assertEqual(
                store.meter_dispatch_type_id.default_location_src_id, store.lot_stock_id
            )
            self.assertEqual(store.meter_dispatch_type_id.default_location_dest_id, self.transit)
            self.assertEqual(store.meter_reception_type_id.default_location_src_id, self.transit)
            # a laboratory receives meters into its queue: they wait for calibration
            self.assertEqual(
                store.meter_reception_type_id.default_location_dest_id,
                store.meter_lab_queue_location_id
                if store.meter_role == "laboratory"
                else store.lot_stock_id,
            )
            self.assertEqual(
                store.meter_rejection_type_id.default_location_dest_id,
                store.meter_rejected_location_id,
            )
            self.assertEqual(
                store.meter_rejection_type_id.return_picking_type_id, store.meter_return_type_id
            )
        self.assertTrue(self.transit.active)
        self.assertEqual(self.transit.usage, "transit")

    def test_dispatch_transit_reception(self):
        self._register_range("30001", "30010")
        meters = self._meters(*[str(n) for n in range(30001, 30011)])
        central_stock, regional_stock = self.central.lot_stock_id, self.regional.lot_stock_id
        self.assertEqual(self._quantity_in(central_stock, meters), 10)

        dispatch = self._dispatch("30001-30010", user=self.storekeeper, validate=False)
        self.assertEqual(len(dispatch.move_line_ids), 10)
        self.assertEqual(dispatch.move_line_ids.lot_id, meters)
        self.assertEqual(dispatch.state, "assigned")
        self.assertEqual(dispatch.meter_ranges, "30001–30010 (10)")
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", meters.ids), ("location_id", "=", central_stock.id)]
        )
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 10)

        dispatch.with_user(self.storekeeper).button_validate()
        self.assertEqual(dispatch.state, "done")
        self.assertEqual(self._quantity_in(central_stock, meters), 0)
        self.assertEqual(self._quantity_in(self.transit, meters), 10)
        self.assertEqual(self._quantity_in(regional_stock, meters), 0)
        self.assertEqual(self._state("30001", "30010"), {"transit"})
        meters.invalidate_recordset()
        self.assertEqual(
            set(meters.mapped("meter_transit_route")), {"Central (test) → Regional (test)"}
        )

        reception = dispatch.meter_arrival_ids
        self.assertEqual(len(reception), 1)
        self.assertEqual(reception.picking_type_id, self.regional.meter_reception_type_id)
        self.assertEqual(reception.meter_movement_kind, "reception")
        self.assertEqual(reception.location_id, self.transit)
        self.assertEqual(reception.location_dest_id, regional_stock)
        self.assertEqual(reception.state, "assigned")
        self.assertEqual(reception.move_line_ids.lot_id, meters)
        self.assertEqual(reception.move_ids.move_orig_ids, dispatch.move_ids)

        reception.with_user(self.storekeeper).button_validate()
        self.assertEqual(reception.state, "done")
        self.assertEqual(self._quantity_in(self.transit, meters), 0)
        self.assertEqual(self._quantity_in(regional_stock, meters), 10)
        self.assertEqual(self._state("30001", "30010"), {"store"})
        meters.invalidate_recordset()
        self.assertEqual(meters.meter_warehouse_id, self.regional)

        # the meter's history, newest first
        history = meters[0].meter_move_line_ids
        self.assertEqual(
            history.mapped("meter_movement_kind"), ["reception", "dispatch", "receipt"]
        )
        self.assertEqual(history[0].location_dest_id, regional_stock)
        self.assertEqual(history[1].reference, dispatch.name)

    def test_partial_reception_with_rejection_on_arrival(self):
        self._register_range("30001", "30010")
        dispatch = self._dispatch("30001-30010")
        reception = dispatch.meter_arrival_ids
        wizard = Form(
            self.env["meter.arrival.rejection"]
            .with_user(self.storekeeper)
            .with_context(default_picking_id=reception.id)
        )
        wizard.numbers = "30002-30003"
        wizard.reason_id = self.reason_damaged
        action = wizard.save().action_reject()
        rejection = dispatch.meter_arrival_ids - reception
        # the storekeeper is told what was done, then sees the rejection
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            f"2 meters rejected on arrival at Regional (test) (Damaged in transport) by "
            f"{rejection.name}: 30002–30003",
        )
        self.assertEqual(action["params"]["next"]["res_id"], rejection.id)
        self.assertEqual(rejection.meter_movement_kind, "rejection")
        self.assertEqual(rejection.state, "done")
        self.assertEqual(rejection.meter_reason_id, self.reason_damaged)
        self.assertEqual(rejection.location_dest_id, self.regional.meter_rejected_location_id)
        rejected = self._meters("30002", "30003")
        self.assertEqual(self._quantity_in(self.regional.meter_rejected_location_id, rejected), 2)
        self.assertEqual(self._state("30002", "30003"), {"rejected"})
        self.assertEqual(len(reception.move_line_ids), 8)
        self.assertNotIn("30002", reception.move_line_ids.lot_id.mapped("name"))

        # receive five of the eight; the other three stay in transit on a backorder
        received = self._meters("30001", "30004", "30005", "30006", "30007")
        reception._add_meter_numbers("30001, 30004-30007")
        action = reception.with_user(self.storekeeper).button_validate()
        Form(self.env[action["res_model"]].with_context(**action["context"])).save().process()
        self.assertEqual(reception.state, "done")
        self.assertEqual(reception.move_line_ids.lot_id, received)
        self.assertEqual(self._quantity_in(self.regional.lot_stock_id, received), 5)
        remaining = self._meters("30008", "30009", "30010")
        self.assertEqual(self._quantity_in(self.transit, remaining), 3)
        self.assertEqual(self._state("30008", "30009", "30010"), {"transit"})
        backorder = self.env["stock.picking"].search([("backorder_id", "=", reception.id)])
        self.assertEqual(backorder.move_line_ids.lot_id, remaining)
        backorder.button_validate()
        self.assertEqual(self._quantity_in(self.regional.lot_stock_id, remaining), 3)
        self.assertEqual(
            self._quantity_in(self.transit, self._meters(*map(str, range(30001, 30011)))), 0
        )

    def test_rejection_and_return_to_supplier(self):
        self._register_range("30001", "30005")
        rejection = self._new_meter_picking(
            self.central, "rejection", user=self.storekeeper, meter_reason_id=self.reason_seal.id
        )
        rejection._add_meter_numbers("30001-30003")
        rejection.button_validate()
        rejected = self._meters("30001", "30002", "30003")
        self.assertEqual(rejection.state, "done")
        self.assertEqual(self._quantity_in(self.central.meter_rejected_location_id, rejected), 3)
        self.assertEqual(self._state("30001", "30002", "30003"), {"rejected"})

        # rejected meters cannot be dispatched
        with self.assertRaisesRegex(UserError, "Rejected: 30001"):
            self._dispatch("30001", validate=False)

        # Odoo's return flow sends them back to the supplier
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(self.storekeeper)
            .with_context(active_id=rejection.id, active_model="stock.picking")
        ).save()
        wizard.product_return_moves.quantity = 3
        action = wizard.action_create_returns()
        returned = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(returned.meter_movement_kind, "return")
        self.assertEqual(returned.picking_type_id, self.central.meter_return_type_id)
        self.assertEqual(returned.location_id, self.central.meter_rejected_location_id)
        self.assertEqual(returned.location_dest_id.usage, "supplier")
        self.assertEqual(returned.meter_reason_id, self.reason_seal)
        self.assertEqual(returned.move_line_ids.lot_id, rejected)
        returned.with_user(self.storekeeper).button_validate()
        self.assertEqual(returned.state, "done")
        self.assertEqual(self._quantity_in(self.central.meter_rejected_location_id, rejected), 0)
        self.assertEqual(self._state("30001", "30002", "30003"), {"supplier"})
        self.assertEqual(self._state("30004", "30005"), {"store"})

    def test_return_from_transit_to_sender(self):
        self._register_range("30001", "30005")
        dispatch = self._dispatch("30001-30005")
        reception = dispatch.meter_arrival_ids
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(self.storekeeper)
            .with_context(active_id=dispatch.id, active_model="stock.picking")
        ).save()
        wizard.product_return_moves.quantity = 2
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        self.assertEqual(returned.picking_type_id, self.central.meter_reception_type_id)
        self.assertEqual(returned.location_id, self.transit)
        self.assertEqual(returned.location_dest_id, self.central.lot_stock_id)
        self.assertEqual(returned.meter_dispatch_id, dispatch)
        self.assertEqual(len(returned.move_line_ids), 2)
        # the reception keeps the three others
        self.assertEqual(len(reception.move_line_ids), 3)
        self.assertFalse(reception.move_line_ids.lot_id & returned.move_line_ids.lot_id)
        returned.with_user(self.storekeeper).button_validate()
        back = returned.move_line_ids.lot_id
        self.assertEqual(self._quantity_in(self.central.lot_stock_id, back), 2)
        self.assertEqual(set(back.mapped("meter_state")), {"store"})
        reception.button_validate()
        self.assertEqual(reception.state, "done")
        meters = self._meters(*[str(n) for n in range(30001, 30006)])
        self.assertEqual(self._quantity_in(self.regional.lot_stock_id, meters), 3)
        self.assertEqual(self._quantity_in(self.transit, meters), 0)

    def test_refusals_change_nothing(self):
        self._register_range("30001", "30010")
        self._register_range("40001", "40002", store=self.regional)
        # 30005-30006 are in transit, 30007 is rejected, 30008 is in another open dispatch
        self._dispatch("30005-30006")
        rejection = self._new_meter_picking(
            self.central, "rejection", meter_reason_id=self.reason_seal.id
        )
        rejection._add_meter_numbers("30007")
        rejection.button_validate()
        open_dispatch = self._dispatch("30008", validate=False)
        installed = self.company._get_meter_installed_location()
        meter = self._meters("30009")
        self.env["stock.quant"]._update_available_quantity(
            meter.product_id, self.central.lot_stock_id, -1, lot_id=meter
        )
        self.env["stock.quant"]._update_available_quantity(
            meter.product_id, installed, 1, lot_id=meter
        )
        self.assertEqual(self._state("30009"), {"installed"})

        dispatch = self._new_meter_picking(self.central, "dispatch", dest_store=self.regional)
        with self.assertRaises(UserError) as error:
            dispatch._add_meter_numbers("30001-30010, 40001, 99999")
        message = str(error.exception)
        self.assertIn("nothing was added", message)
        self.assertIn("In transit: 30005–30006 (2)", message)
        self.assertIn("Rejected: 30007", message)
        self.assertIn(f"already in the open dispatch {open_dispatch.name}: 30008", message)
        self.assertIn("Installed: 30009", message)
        self.assertIn("unknown meter numbers: 99999", message)
        self.assertIn("40001", message)
        self.assertNotIn("30001", message)
        self.assertFalse(dispatch.move_line_ids)
        self.assertFalse(dispatch.move_ids)
        self.assertEqual(
            self._quantity_in(self.central.lot_stock_id, self._meters("30001", "30002")), 2
        )
        # the same rules hold for lines entered one by one
        dispatch._add_meter_numbers("30001")
        self.env["stock.move.line"].create(
            {
                "picking_id": dispatch.id,
                "move_id": dispatch.move_ids.id,
                "product_id": self.single_phase.id,
                "lot_id": self._meters("30008").id,
                "quantity": 1,
                "location_id": self.central.lot_stock_id.id,
                "location_dest_id": self.transit.id,
            }
        )
        dispatch.move_ids.product_uom_qty = 2
        with self.assertRaisesRegex(UserError, "already in the open dispatch"):
            dispatch.button_validate()
        self.assertNotEqual(dispatch.state, "done")
        self.assertEqual(self._state("30001", "30008"), {"store"})
        # a dispatch needs a destination store other than its own
        other = self._new_meter_picking(self.central, "dispatch")
        other._add_meter_numbers("30002")
        with self.assertRaisesRegex(UserError, "destination store"):
            other.button_validate()
        other.meter_dest_warehouse_id = self.central
        with self.assertRaisesRegex(UserError, "its own store"):
            other.button_validate()
        self.assertEqual(self._state("30002"), {"store"})

    def test_bad_paste(self):
        dispatch = self._new_meter_picking(self.central, "dispatch", dest_store=self.regional)
        with self.assertRaisesRegex(UserError, "reversed"):
            dispatch._add_meter_numbers("30010-30001")
        self.assertFalse(dispatch.move_ids)

    def test_access(self):
        self._register_range("30001", "30003")
        dispatch = self._dispatch("30001-30003", validate=False)
        # a Meter User reads the movement but cannot validate it or add meters
        self.assertEqual(dispatch.with_user(self.meter_user).meter_count, 3)
        self.assertTrue(dispatch.with_user(self.meter_user).move_line_ids.lot_id)
        with self.assertRaises(AccessError):
            dispatch.with_user(self.meter_user).button_validate()
        with self.assertRaises(AccessError):
            dispatch.with_user(self.meter_user)._add_meter_numbers("30001")
        self.assertEqual(dispatch.state, "assigned")
        # a Storekeeper can
        dispatch.with_user(self.storekeeper).button_validate()
        self.assertEqual(dispatch.state, "done")
        # another company sees neither the movements nor the reasons of its own
        other_company = self.env["res.company"].create({"name": "Other Utility"})
        other_user = self.env["res.users"].create(
            {
                "name": "Other storekeeper",
                "login": "mm_other_storekeeper",
                "company_id": other_company.id,
                "company_ids": [Command.set(other_company.ids)],
                "groups_id": [
                    Command.set([self.env.ref("meter_management.group_meter_storekeeper").id])
                ],
            }
        )
        reason = self.env["meter.movement.reason"].create(
            {"name": "Test only", "company_id": self.company.id}
        )
        Picking = (
            self.env["stock.picking"]
            .with_user(other_user)
            .with_context(allowed_company_ids=other_company.ids)
        )
        self.assertFalse(Picking.search([("id", "=", dispatch.id)]))
        Reason = (
            self.env["meter.movement.reason"]
            .with_user(other_user)
            .with_context(allowed_company_ids=other_company.ids)
        )
        self.assertFalse(Reason.search([("id", "=", reason.id)]))
        self.assertTrue(Reason.search([("id", "=", self.reason_damaged.id)]))
