from odoo import fields, models


class MeterUseType(models.Model):
    _name = "meter.use.type"
    _description = "Type of Use"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share this type of use between companies."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique (code, company_id)",
            "The code of a type of use must be unique per company.",
        ),
    ]
