from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: accuracy classes of electricity meters (IEC 62053 / EN 50470) and their error limit (%)
ACCURACY_CLASSES = [
    ("0.2S", "Class 0.2 S (± 0.2 %)"),
    ("0.5S", "Class 0.5 S (± 0.5 %)"),
    ("1", "Class 1 / B (± 1 %)"),
    ("2", "Class 2 / A (± 2 %)"),
    ("3", "Class 3 (± 3 %)"),
]
ACCURACY_TOLERANCES = {"0.2S": 0.2, "0.5S": 0.5, "1": 1.0, "2": 2.0, "3": 3.0}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    is_meter = fields.Boolean(
        string="Is a Meter",
        index=True,
        help="A meter type: every unit is a meter with its own manufacturer's number.",
    )
    meter_manufacturer_id = fields.Many2one("res.partner", string="Manufacturer")
    meter_model = fields.Char(string="Model")
    meter_register_template_ids = fields.One2many(
        "meter.type.register", "product_tmpl_id", string="Registers", copy=True
    )
    meter_ct_primary = fields.Float(string="CT Primary (A)", default=1.0)
    meter_ct_secondary = fields.Float(string="CT Secondary (A)", default=1.0)
    meter_pt_primary = fields.Float(string="PT Primary (V)", default=1.0)
    meter_pt_secondary = fields.Float(string="PT Secondary (V)", default=1.0)
    meter_calibration_validity_months = fields.Integer(
        string="Calibration Validity (months)",
        help="How long a passed verification stays valid.",
    )
    meter_validity_end_of_year = fields.Boolean(
        string="Validity Ends on 31 December",
        help="The validity runs to 31 December of the year in which it would end.",
    )
    meter_use_type_id = fields.Many2one("meter.use.type", string="Default Type of Use")
    meter_accuracy_class = fields.Selection(
        ACCURACY_CLASSES,
        string="Accuracy Class",
        help="The accuracy class of the meter type; it gives the tolerance of a calibration.",
    )
    meter_accuracy_tolerance = fields.Float(
        string="Tolerance (± %)",
        compute="_compute_meter_accuracy_tolerance",
        store=True,
        readonly=False,
        digits=(4, 3),
        help="Largest error (%) of any register that still passes a calibration.",
    )

    meter_accuracy_missing = fields.Boolean(
        compute="_compute_meter_accuracy_missing",
        help="A meter type without accuracy class or tolerance: its meters cannot be tested.",
    )

    @api.depends("meter_accuracy_class")
    def _compute_meter_accuracy_tolerance(self):
        for tmpl in self:
            tmpl.meter_accuracy_tolerance = ACCURACY_TOLERANCES.get(tmpl.meter_accuracy_class, 0.0)

    @api.depends("is_meter", "meter_accuracy_tolerance")
    def _compute_meter_accuracy_missing(self):
        for tmpl in self:
            tmpl.meter_accuracy_missing = tmpl.is_meter and tmpl.meter_accuracy_tolerance <= 0

    @api.constrains("is_meter", "is_storable", "tracking")
    def _check_meter_tracking(self):
        wrong = self.filtered(
            lambda tmpl: tmpl.is_meter and (not tmpl.is_storable or tmpl.tracking != "serial")
        )
        if wrong:
            raise ValidationError(
                self.env._(
                    "A meter type must be a storable product tracked by serial number: %(types)s",
                    types=", ".join(wrong.mapped("display_name")),
                )
            )

    @api.constrains(
        "meter_ct_primary", "meter_ct_secondary", "meter_pt_primary", "meter_pt_secondary"
    )
    def _check_meter_ratios(self):
        for tmpl in self.filtered("is_meter"):
            if (
                min(
                    tmpl.meter_ct_primary,
                    tmpl.meter_ct_secondary,
                    tmpl.meter_pt_primary,
                    tmpl.meter_pt_secondary,
                )
                <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "The CT and PT values of meter type %(type)s must be positive.",
                        type=tmpl.display_name,
                    )
                )

    @api.onchange("is_meter")
    def _onchange_is_meter(self):
        if self.is_meter:
            self.update(self._get_meter_product_vals())

    @api.model
    def _get_meter_product_vals(self):
        return {"type": "consu", "is_storable": True, "tracking": "serial"}

    def _prepare_meter_register_vals_list(self, register_overrides=None):
        """Register values of a meter of this type: the type's registers with its CT and PT
        ratios (``register_overrides`` wins)."""
        self.ensure_one()
        common = {
            "ct_primary": self.meter_ct_primary or 1.0,
            "ct_secondary": self.meter_ct_secondary or 1.0,
            "pt_primary": self.meter_pt_primary or 1.0,
            "pt_secondary": self.meter_pt_secondary or 1.0,
            **(register_overrides or {}),
        }
        return [
            {**common, **type_register._prepare_meter_register_vals()}
            for type_register in self.meter_register_template_ids
        ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("is_meter"):
                # defaults of inherited fields are already in vals: a meter is always serial-tracked
                vals.update(self._get_meter_product_vals())
        return super().create(vals_list)
