from odoo import api, fields, models

METER_LOCATION_USAGES = [
    ("store", "Store"),
    ("laboratory", "Laboratory queue"),
    ("rejected", "Rejected meters"),
    ("installed", "Installed at service points"),
]


class StockLocation(models.Model):
    _inherit = "stock.location"

    meter_usage = fields.Selection(
        METER_LOCATION_USAGES,
        index=True,
        help="What a meter in this location is doing; it gives the meter's state.",
    )

    @api.depends_context("meter_place_names")
    def _compute_display_name(self):
        """With ``meter_place_names`` in the context, locations are named as people name
        them (see :meth:`_get_meter_place_name`), e.g. in a meter's history; with
        ``meter_place_names="meter_stores"`` only the places of meter stores and transit."""
        super()._compute_display_name()
        names = self.env.context.get("meter_place_names")
        if not names:
            return
        locations = self
        if names == "meter_stores":
            # on a transfer, which may not move meters: only the places of meter stores and
            # the transit between stores; the others keep Odoo's name
            locations = self.filtered(
                lambda loc: loc.warehouse_id.meter_role or loc.usage == "transit"
            )
        for location in locations:
            location.display_name = location._get_meter_place_name()

    def _get_meter_place_name(self):
        """``"North Regional Store"`` for a store's stock, ``"Central Store, Rejected meters"``
        for another place in a store, ``"In transit"`` between stores; otherwise the
        location's own name, without its technical parents."""
        self.ensure_one()
        store = self.warehouse_id
        if store:
            if self == store.lot_stock_id:
                return store.name
            return self.env._("%(store)s, %(place)s", store=store.name, place=self.name)
        if self.usage == "transit":
            return self.env._("In transit")
        return self.name
