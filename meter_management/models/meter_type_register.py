from odoo import api, fields, models

REGISTER_TYPES = [
    ("active", "Active energy"),
    ("reactive", "Reactive energy"),
    ("demand", "Demand"),
]
REGISTER_UNITS = {"active": "kWh", "reactive": "kvarh", "demand": "kW"}


class MeterTypeRegister(models.Model):
    """A register that every meter of a meter type carries."""

    _name = "meter.type.register"
    _description = "Register of a Meter Type"
    _order = "product_tmpl_id, sequence, id"

    product_tmpl_id = fields.Many2one(
        "product.template", string="Meter Type", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    register_type = fields.Selection(REGISTER_TYPES, required=True, default="active")
    unit = fields.Char(compute="_compute_unit")
    digits = fields.Integer(
        string="Integer Digits", default=6, required=True, help="Digits before the decimal point."
    )
    decimals = fields.Integer(default=0, help="Digits after the decimal point.")
    meter_constant = fields.Float(
        default=1.0,
        digits=(16, 6),
        min_display_digits=1,
        help="Meter constant applied to this register.",
    )

    _sql_constraints = [
        (
            "register_type_uniq",
            "unique (product_tmpl_id, register_type)",
            "A meter type carries each register type once.",
        ),
        ("digits_positive", "check (digits > 0 and digits <= 12)", "Digits go from 1 to 12."),
        (
            "decimals_positive",
            "check (decimals >= 0 and decimals <= 6)",
            "Decimals go from 0 to 6.",
        ),
    ]

    @api.depends("register_type")
    def _compute_unit(self):
        for register in self:
            register.unit = REGISTER_UNITS.get(register.register_type, "")

    def _prepare_meter_register_vals(self):
        """Values of the meter registers created from this type register."""
        self.ensure_one()
        return {
            "sequence": self.sequence,
            "register_type": self.register_type,
            "digits": self.digits,
            "decimals": self.decimals,
            "meter_constant": self.meter_constant,
        }
