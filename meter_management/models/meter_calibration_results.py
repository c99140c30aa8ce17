from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class MeterCalibration(models.Model):
    """Results of many meters at once, one pair of errors per register (batch wizard, RPC)."""

    _inherit = "meter.calibration"

    @api.model
    def _check_meters_in_laboratory(self, lots, laboratory):
        """Meters must lie in the laboratory to be tested there; names the ones that do not."""
        outside = lots.filtered(
            lambda lot: lot.meter_warehouse_id != laboratory or lot.meter_state != "laboratory"
        )
        if outside:
            raise UserError(
                self.env._(
                    "These meters are not waiting in laboratory %(lab)s: %(numbers)s",
                    lab=laboratory.display_name,
                    numbers=", ".join(sorted(outside.mapped("name"))),
                )
            )

    @api.model
    def _check_meter_types_testable(self, lots):
        """A meter is tested against its type's tolerance: a type without one cannot be."""
        untestable = lots.filtered(lambda lot: lot.product_id.meter_accuracy_tolerance <= 0)
        if untestable:
            raise UserError(self._get_no_tolerance_message(untestable))

    @api.model
    def _get_register_errors(self, result):
        """``[(register, as_found, as_left)]`` of one meter's result, and what is wrong.

        ``result["registers"]``: one dict per register, ``{register_type, as_found,
        as_left}`` (or ``register`` / ``register_id`` instead of the type). Without it the
        meter's ``as_found`` / ``as_left`` apply to every register. An as-left error left out
        is the as-found one.
        """
        registers = result["lot"].meter_register_ids
        given = result.get("registers")
        if not given:
            return [
                (register, result.get("as_found"), result.get("as_left")) for register in registers
            ], []
        types = dict(registers._fields["register_type"]._description_selection(self.env))
        errors, problems = [], []
        for item in given:
            if item.get("register"):
                register = item["register"] & registers
            elif item.get("register_id"):
                register = registers.filtered(lambda reg, i=item: reg.id == i["register_id"])
            else:
                register = registers.filtered(
                    lambda reg, i=item: reg.register_type == i.get("register_type")
                )
            label = item.get("register_type") or item.get("register_id") or "?"
            if not register:
                problems.append(self.env._("no register %(register)s", register=label))
            elif register in [reg for reg, _found, _left in errors]:
                problems.append(
                    self.env._(
                        "two results for %(register)s", register=types[register.register_type]
                    )
                )
            else:
                errors.append((register, item.get("as_found"), item.get("as_left")))
        tested = self.env["meter.register"].union(*[reg for reg, _found, _left in errors])
        untested = registers - tested
        if untested:
            problems.append(
                self.env._(
                    "no result for %(registers)s",
                    registers=", ".join(types[reg.register_type] for reg in untested),
                )
            )
        return errors, problems

    @api.model
    def _prepare_batch_line_vals(self, register, as_found, as_left):
        return {
            "register_id": register.id,
            "as_found_error": as_found or 0.0,
            "as_left_error": (as_found or 0.0) if as_left is None else as_left,
        }

    @api.model
    def _record_batch(self, laboratory, date, reason, results, technician=None, extra_vals=None):
        """Create and validate one calibration per meter of ``results``.

        ``results``: list of dicts ``{lot, registers, as_found, as_left, fail_action,
        override_result, override_reason}`` where ``registers`` holds one ``{register_type
        (or register), as_found, as_left}`` per register of the meter; without it the
        meter-level errors apply to every register. ``extra_vals`` are written on every
        calibration (reference standard, equipment, approver). Everything is checked before
        anything is written.
        """
        lots = self.env["stock.lot"].browse([res["lot"].id for res in results])
        self._check_meters_in_laboratory(lots, laboratory)
        self._check_meter_types_testable(lots)
        vals_list, problems = [], []
        for res in results:
            errors, wrong = self._get_register_errors(res)
            if wrong:
                problems.append(f"{res['lot'].name} ({'; '.join(wrong)})")
                continue
            vals = {
                "lot_id": res["lot"].id,
                "laboratory_id": laboratory.id,
                "company_id": laboratory.company_id.id,
                "date": date,
                "reason": reason,
                "technician_id": (technician or self.env.user).id,
                "fail_action": res.get("fail_action") or "repair",
                "line_ids": [
                    Command.create(self._prepare_batch_line_vals(*error)) for error in errors
                ],
                **(extra_vals or {}),
            }
            if res.get("override_result"):
                vals.update(
                    result_override=True,
                    override_result=res["override_result"],
                    override_reason=res.get("override_reason"),
                )
            vals_list.append(vals)
        if problems:
            raise UserError(
                self.env._(
                    "Give one result per register of each meter: %(problems)s",
                    problems=", ".join(problems),
                )
            )
        calibrations = self.create(vals_list)
        calibrations.action_validate()
        return calibrations

    @api.model
    def record_results(self, vals):
        """RPC: record the results of many meters tested in one laboratory.

        ``vals``: ``{"laboratory_id": id, "date": "2026-03-01", "reason": "periodic",
        "reference_standard": "...", "test_equipment": "...", "approver_id": id,
        "results": [{"meter": "30001", "as_found": 0.4, "as_left": 0.1,
        "fail_action": "reject"}, {"meter": "30002", "registers": [{"register_type":
        "active", "as_found": 0.3, "as_left": 0.1}, {"register_type": "reactive",
        "as_found": 0.6}]}, ...]}``: a meter's ``as_found`` / ``as_left`` apply to each of
        its registers, ``registers`` gives each register its own. Returns ``{"calibrations":
        ids, "passed": [numbers], "failed": [numbers]}``.
        """
        laboratory = self.env["stock.warehouse"].browse(vals["laboratory_id"]).exists()
        if not laboratory:
            raise UserError(self.env._("Unknown laboratory %(id)s.", id=vals["laboratory_id"]))
        numbers = [str(res["meter"]) for res in vals.get("results", [])]
        lots = self.env["stock.lot"].search(
            [
                ("is_meter", "=", True),
                ("company_id", "=", laboratory.company_id.id),
                ("name", "in", numbers),
            ]
        )
        by_number = {lot.name: lot for lot in lots}
        unknown = [number for number in numbers if number not in by_number]
        if unknown:
            raise UserError(
                self.env._("Unknown meter numbers: %(numbers)s", numbers=", ".join(unknown))
            )
        results = [{**res, "lot": by_number[str(res["meter"])]} for res in vals["results"]]
        extra_vals = {
            key: vals[key]
            for key in ("reference_standard", "test_equipment", "approver_id")
            if vals.get(key)
        }
        calibrations = self._record_batch(
            laboratory,
            vals.get("date") or fields.Date.context_today(self),
            vals.get("reason") or "periodic",
            results,
            extra_vals=extra_vals,
        )
        return {
            "calibrations": calibrations.ids,
            "passed": calibrations.filtered(lambda c: c.result == "pass").lot_id.mapped("name"),
            "failed": calibrations.filtered(lambda c: c.result == "fail").lot_id.mapped("name"),
        }
