from odoo import api, fields, models


class MeterGroup(models.Model):
    """Meters received together: same manufacturer, model and year.

    The group is the unit of sample recertification.
    """

    _name = "meter.group"
    _description = "Meter Group"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        copy=False,
        default=lambda self: self.env._("New"),
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        string="Meter Type",
        domain=[("is_meter", "=", True)],
        check_company=True,
    )
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer")
    model = fields.Char()
    year = fields.Integer(string="Year of Manufacture")
    date_received = fields.Date(string="Received On")
    lot_ids = fields.One2many("stock.lot", "meter_group_id", string="Meters of the Group")
    meter_count = fields.Integer(compute="_compute_meter_count", string="Meter Count")
    note = fields.Html()

    @api.depends("lot_ids")
    def _compute_meter_count(self):
        counts = dict(
            self.env["stock.lot"]._read_group(
                [("meter_group_id", "in", self.ids)], ["meter_group_id"], ["__count"]
            )
        )
        for group in self:
            group.meter_count = counts.get(group, 0)

    @api.depends("name", "meter_count")
    def _compute_display_name(self):
        for group in self:
            group.display_name = self.env._(
                "%(name)s (%(count)s meters)", name=group.name, count=group.meter_count
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("meter.group") or "/"
        return super().create(vals_list)

    def action_view_meters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.stock_lot_meter_action"
        )
        action["domain"] = [("meter_group_id", "=", self.id)]
        action["context"] = {"default_meter_group_id": self.id}
        return action
