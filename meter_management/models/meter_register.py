from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .meter_type_register import REGISTER_TYPES, REGISTER_UNITS

TRACKED_REGISTER_FIELDS = (
    "digits",
    "decimals",
    "ct_primary",
    "ct_secondary",
    "pt_primary",
    "pt_secondary",
    "meter_constant",
)


class MeterRegister(models.Model):
    """One register of one meter, with the billing multiplier in force.

    multiplier = CT ratio × PT ratio × meter constant

    A meter carries a few registers and a utility millions of meters, so a register row is
    kept lean: its company is its meter's (not stored twice) and the unique index on
    ``(lot_id, register_type)`` serves the look-ups by meter. Who changed a register is
    posted in the meter's chatter; ``write_date`` stays for the web client's check of
    concurrent edits.
    """

    _name = "meter.register"
    _description = "Meter Register"
    _order = "lot_id, sequence, id"
    _check_company_auto = True

    lot_id = fields.Many2one(
        "stock.lot",
        string="Meter",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="lot_id.company_id")
    sequence = fields.Integer(default=10)
    register_type = fields.Selection(REGISTER_TYPES, required=True)
    unit = fields.Char(compute="_compute_unit")
    digits = fields.Integer(string="Integer Digits", required=True, default=6)
    decimals = fields.Integer(default=0)
    ct_primary = fields.Float(string="CT Primary (A)", default=1.0, required=True)
    ct_secondary = fields.Float(string="CT Secondary (A)", default=1.0, required=True)
    pt_primary = fields.Float(string="PT Primary (V)", default=1.0, required=True)
    pt_secondary = fields.Float(string="PT Secondary (V)", default=1.0, required=True)
    meter_constant = fields.Float(default=1.0, digits=(16, 6), min_display_digits=1, required=True)
    ct_ratio = fields.Float(string="CT Ratio", compute="_compute_multiplier", store=True)
    pt_ratio = fields.Float(string="PT Ratio", compute="_compute_multiplier", store=True)
    multiplier = fields.Float(
        compute="_compute_multiplier",
        store=True,
        digits=(16, 6),
        min_display_digits=1,
        help="Billing multiplier: CT ratio × PT ratio × meter constant.",
    )

    _sql_constraints = [
        (
            "lot_register_type_uniq",
            "unique (lot_id, register_type)",
            "A meter carries each register type once.",
        ),
        (
            "ratios_positive",
            "check (ct_primary > 0 and ct_secondary > 0 and pt_primary > 0 "
            "and pt_secondary > 0 and meter_constant > 0)",
            "CT, PT and meter constant must be positive.",
        ),
        ("digits_range", "check (digits > 0 and digits <= 12)", "Digits go from 1 to 12."),
    ]

    @api.depends("register_type")
    def _compute_unit(self):
        for register in self:
            register.unit = REGISTER_UNITS.get(register.register_type, "")

    @api.depends("ct_primary", "ct_secondary", "pt_primary", "pt_secondary", "meter_constant")
    def _compute_multiplier(self):
        for register in self:
            register.ct_ratio = (
                register.ct_primary / register.ct_secondary if register.ct_secondary else 0.0
            )
            register.pt_ratio = (
                register.pt_primary / register.pt_secondary if register.pt_secondary else 0.0
            )
            register.multiplier = register.ct_ratio * register.pt_ratio * register.meter_constant

    @api.depends("lot_id.name", "register_type")
    def _compute_display_name(self):
        labels = dict(self._fields["register_type"]._description_selection(self.env))
        for register in self:
            register.display_name = (
                f"{register.lot_id.name} / {labels.get(register.register_type, '')}"
            )

    @api.constrains("lot_id")
    def _check_lot_is_meter(self):
        wrong = self.lot_id.filtered(lambda lot: not lot.is_meter)
        if wrong:
            raise ValidationError(
                self.env._(
                    "Registers belong to meters only; these are not meters: %(numbers)s",
                    numbers=", ".join(wrong.mapped("name")),
                )
            )

    def write(self, vals):
        tracked = [name for name in TRACKED_REGISTER_FIELDS if name in vals]
        old_values = (
            {register: {name: register[name] for name in tracked} for register in self}
            if tracked
            else {}
        )
        result = super().write(vals)
        if tracked:
            self._post_register_changes(old_values)
        return result

    def _post_register_changes(self, old_values):
        """Post the changed register values, with the new multiplier, on each meter's chatter."""
        for lot in self.lot_id:
            lines = []
            for register in self.filtered(lambda r, lot=lot: r.lot_id == lot):
                changes = [
                    self.env._(
                        "%(field)s: %(old)s → %(new)s",
                        field=self._fields[name].get_description(self.env)["string"],
                        old=old,
                        new=register[name],
                    )
                    for name, old in old_values[register].items()
                    if old != register[name]
                ]
                if changes:
                    lines.append(
                        Markup("<li>%s: %s; %s</li>")
                        % (
                            register.display_name,
                            ", ".join(changes),
                            self.env._("multiplier %(multiplier)s", multiplier=register.multiplier),
                        )
                    )
            if lines:
                lot.message_post(
                    body=Markup("%s<ul>%s</ul>")
                    % (self.env._("Registers changed"), Markup("").join(lines)),
                    subtype_xmlid="mail.mt_note",
                )
