from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.meter_management.tools.meter_numbers import format_ranges
from odoo.tools import SQL


class ReportMeterMovements(models.AbstractModel):
    """Values of the "Meter movements between stores" PDF: one section per pair of stores."""

    _name = "report.meter_management_reports.report_meter_movements"
    _description = "Meter Movements between Stores (report)"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Printed from selected transfers, ``docids`` are the transfers; printed from the
        wizard, the web client sends no ids but the wizard's ``data``: its domain on the
        movement analysis finds the transfers."""
        data = data or {}
        pickings = self.env["stock.picking"].browse(docids or self._get_picking_ids(data))
        pickings = pickings.filtered(lambda p: p.state == "done" and p.meter_movement_kind)
        sections = self._get_sections(pickings)
        return {
            "doc_ids": pickings.ids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "sections": sections,
            "total": sum(section["count"] for section in sections),
            "criteria": data.get("criteria"),
            "company": pickings.company_id[:1] or self.env.company,
        }

    @api.model
    def _get_picking_ids(self, data):
        if not data.get("domain"):
            return []
        groups = self.env["meter.movement.report"]._read_group(data["domain"], ["picking_id"])
        return [picking.id for (picking,) in groups]

    @api.model
    def _get_meter_numbers(self, pickings):
        """``{picking id: [meter numbers]}``, one query."""
        if not pickings:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.picking_id, array_agg(lot.name ORDER BY lot.name)
                  FROM stock_move_line ml JOIN stock_lot lot ON lot.id = ml.lot_id
                 WHERE ml.picking_id = ANY(%s) AND ml.state = 'done'
                 GROUP BY ml.picking_id
                """,
                pickings.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _get_sections(self, pickings):
        """``[{'from', 'to', 'movements': [...], 'kinds': [(label, count)], 'count'}]`` sorted
        by pair, movements by date. A pair's ``count`` is the meters that moved between its two
        stores, each once: a meter sent, then received or rejected on arrival, is one meter.
        ``kinds`` gives the meters of each kind of movement beside it."""
        rows = self.env["meter.movement.report"].search_read(
            [("picking_id", "in", pickings.ids)],
            ["picking_id", "kind", "from_warehouse_id", "to_warehouse_id"],
        )
        # the stores, or the supplier or the service points outside them, named in the
        # language of the person who prints (the analysis view holds them in one language)
        outside = {
            "installation": self.env._("Service points"),
            "removal": self.env._("Service points"),
        }
        pairs = {
            row["picking_id"][0]: tuple(
                row[end][1] if row[end] else outside.get(row["kind"], self.env._("Supplier"))
                for end in ("from_warehouse_id", "to_warehouse_id")
            )
            for row in rows
        }
        numbers = self._get_meter_numbers(pickings)
        selection = pickings._fields["meter_movement_kind"]._description_selection(self.env)
        kinds = dict(selection)
        kind_order = {kind: index for index, (kind, _label) in enumerate(selection)}
        supplier = self.env._("Supplier")
        sections = defaultdict(list)
        meters_by_pair = defaultdict(set)
        kind_counts = defaultdict(lambda: defaultdict(int))
        for picking in pickings.sorted(lambda p: (p.date_done or fields.Datetime.now(), p.id)):
            source, dest = pairs.get(picking.id, (supplier, supplier))
            pair = (source or supplier, dest or supplier)
            meters = numbers.get(picking.id, [])
            meters_by_pair[pair].update(meters)
            kind_counts[pair][picking.meter_movement_kind] += len(meters)
            sections[pair].append(
                {
                    # the company's day of the movement
                    "date": picking.company_id._meter_date(picking.date_done),
                    "reference": picking.name,
                    "kind": kinds.get(picking.meter_movement_kind),
                    "reason": picking.meter_reason_id.name or "",
                    "ranges": format_ranges(meters),
                    "count": len(meters),
                }
            )
        return [
            {
                "from": source,
                "to": dest,
                "movements": movements,
                "kinds": [
                    (kinds.get(kind, kind), count)
                    for kind, count in sorted(
                        kind_counts[source, dest].items(),
                        key=lambda item: kind_order.get(item[0], len(kind_order)),
                    )
                ],
                "count": len(meters_by_pair[source, dest]),
            }
            for (source, dest), movements in sorted(sections.items())
        ]


class ReportMeterDispatchNote(models.AbstractModel):
    _name = "report.meter_management_reports.report_meter_dispatch_note"
    _description = "Meter Dispatch Note (report)"

    @api.model
    def _get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        types = self._get_meter_types(pickings)
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "types": types,
            "counts": {
                picking.id: sum(row["count"] for row in types.get(picking.id, []))
                for picking in pickings
            },
        }

    @api.model
    def _get_meter_types(self, pickings):
        """``{picking id: [{'type', 'ranges', 'count'}]}``: the meters of each meter type on
        the transfer, as ranges; one query for all the transfers."""
        if not pickings:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.picking_id, ml.product_id, array_agg(lot.name)
                  FROM stock_move_line ml JOIN stock_lot lot ON lot.id = ml.lot_id
                 WHERE ml.picking_id = ANY(%s)
                 GROUP BY ml.picking_id, ml.product_id
                """,
                pickings.ids,
            )
        )
        rows = self.env.cr.fetchall()
        products = self.env["product.product"].browse({row[1] for row in rows})
        names = {product.id: product.display_name for product in products}
        types = defaultdict(list)
        for picking_id, product_id, numbers in rows:
            types[picking_id].append(
                {
                    "type": names[product_id],
                    "ranges": format_ranges(numbers, separator="\n"),
                    "count": len(numbers),
                }
            )
        for rows_of_picking in types.values():
            rows_of_picking.sort(key=lambda row: row["type"])
        return dict(types)
