from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_meter_movements import MeterMovementCommon


@tagged("post_install", "-at_install")
class TestMeterScreens(MeterMovementCommon):
    """What the meter list and form show: where a meter is, by store names; registers'
    columns and multipliers as people read them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._register_range("30001", "30003", product=cls.ct_meter)
        cls.dispatch = cls._dispatch("30001")

    def _arch(self, model, view_type, view_ref=None):
        env = self._env_as(self.meter_user)
        views = env[model].get_views(
            [(self.env.ref(view_ref).id if view_ref else False, view_type)]
        )
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_meter_in_transit_shows_both_stores_in_the_list(self):
        arch = self._arch("stock.lot", "list", "meter_management.stock_lot_meter_view_list")
        (column,) = arch.xpath("//field[@string='Current Store']")
        meters = self._env_as(self.meter_user)["stock.lot"].browse(
            self._meters("30001", "30002").ids
        )
        values = {
            row["name"]: row[column.get("name")]
            for row in meters.web_read({"name": {}, column.get("name"): {}})
        }
        self.assertEqual(
            values, {"30001": "Central (test) → Regional (test)", "30002": "Central (test)"}
        )

    def test_history_names_places_by_their_store(self):
        arch = self._arch("stock.lot", "form", "meter_management.stock_lot_meter_view_form")
        history = arch.xpath("//field[@name='meter_move_line_ids']//list")[0]
        spec = {}
        for name in ("location_id", "location_dest_id"):
            (node,) = history.xpath(f"field[@name='{name}']")
            spec[name] = {"fields": {"display_name": {}}, "context": safe_eval(node.get("context"))}
        meter = self._env_as(self.meter_user)["stock.lot"].browse(self._meters("30001").id)
        rows = meter.web_read({"meter_move_line_ids": {"fields": spec}})[0]["meter_move_line_ids"]
        places = [
            (row["location_id"]["display_name"], row["location_dest_id"]["display_name"])
            for row in rows
        ]
        # newest first: the dispatch, then the receipt from the supplier
        self.assertEqual(places[0], ("Central (test)", "In transit"))
        self.assertEqual(places[1][1], "Central (test)")
        rejected = self.central.meter_rejected_location_id
        self.assertEqual(
            rejected.with_context(meter_place_names=True).display_name,
            f"Central (test), {rejected.name}",
        )

    def test_register_columns_and_multipliers(self):
        form = self._arch("stock.lot", "form", "meter_management.stock_lot_meter_view_form")
        lists = form.xpath("//field[@name='meter_register_ids']/list")
        lists.append(self._arch("meter.register", "list"))
        fields = self.env["meter.register"].fields_get()
        for columns in lists:
            for node in columns.xpath("field[not(@column_invisible)]"):
                label = node.get("string") or fields[node.get("name")]["string"]
                # a header that fits a narrow column, not "Integer …" or "CT Seconda…"
                self.assertLessEqual(len(label), 13, label)
        # 40.0, 0.5, 1.333333: as few decimals as the value needs, not 40.000000. A list cell
        # formats a float with the field's own min_display_digits (a view option reaches only
        # form fields), so it is the fields that say it, wherever they are shown.
        for model, names in (
            ("meter.register", ("multiplier", "meter_constant")),
            ("meter.type.register", ("meter_constant",)),
            ("meter.reading", ("multiplier",)),
            ("meter.billing.consumption.line", ("multiplier",)),
        ):
            described = self.env[model].fields_get(names, ["min_display_digits", "digits"])
            for name in names:
                self.assertEqual(described[name]["min_display_digits"], 1, f"{model}.{name}")
                self.assertEqual(described[name]["digits"], (16, 6), f"{model}.{name}")

    def test_transfer_names_places_by_their_store(self):
        arch = self._arch("stock.picking", "form")
        spec = {}
        for name in ("location_id", "location_dest_id"):
            node = arch.xpath(f"//sheet//field[@name='{name}'][@context]")[0]
            # the web client evaluates a many2one's context when it builds the read of the
            # form, before the record's values are known: nothing of the record in it
            context = safe_eval(node.get("context"), {})
            spec[name] = {"fields": {"display_name": {}}, "context": context}
        dispatch = self._env_as(self.storekeeper)["stock.picking"].browse(self.dispatch.id)
        (values,) = dispatch.web_read(spec)
        self.assertEqual(values["location_id"]["display_name"], "Central (test)")
        self.assertEqual(values["location_dest_id"]["display_name"], "In transit")
