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
        pickings = (
            self.env["stock.picking"]
            .browse(docids)
            .filtered(lambda p: p.state == "done" and p.meter_movement_kind)
        )
        data = data or {}
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "sections": self._get_sections(pickings),
            "criteria": data.get("criteria"),
            "company": pickings.company_id[:1] or self.env.company,
        }

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
        """``[{'from', 'to', 'movements': [...], 'count'}]`` sorted by pair, movements by date."""
        rows = self.env["meter.movement.report"].search_read(
            [("picking_id", "in", pickings.ids)],
            ["picking_id", "origin", "destination", "meter_count"],
        )
        # the stores, or the supplier or the service points outside them
        pairs = {row["picking_id"][0]: (row["origin"], row["destination"]) for row in rows}
        numbers = self._get_meter_numbers(pickings)
        kinds = dict(pickings._fields["meter_movement_kind"]._description_selection(self.env))
        supplier = self.env._("Supplier")
        sections = defaultdict(list)
        for picking in pickings.sorted(lambda p: (p.date_done or fields.Datetime.now(), p.id)):
            source, dest = pairs.get(picking.id, (supplier, supplier))
            meters = numbers.get(picking.id, [])
            sections[(source, dest)].append(
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
                "count": sum(movement["count"] for movement in movements),
            }
            for (source, dest), movements in sorted(sections.items())
        ]


class ReportMeterDispatchNote(models.AbstractModel):
    _name = "report.meter_management_reports.report_meter_dispatch_note"
    _description = "Meter Dispatch Note (report)"

    @api.model
    def _get_report_values(self, docids, data=None):
        pickings = self.env["stock.picking"].browse(docids)
        names = {picking.id: picking.move_line_ids.lot_id.mapped("name") for picking in pickings}
        return {
            "doc_ids": docids,
            "doc_model": "stock.picking",
            "docs": pickings,
            "ranges": {
                picking_id: format_ranges(meters, separator="\n")
                for picking_id, meters in names.items()
            },
            "counts": {picking_id: len(meters) for picking_id, meters in names.items()},
        }
