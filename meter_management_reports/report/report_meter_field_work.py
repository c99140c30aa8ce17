from odoo import api, models
from odoo.tools import SQL


class ReportMeterAnomalies(models.AbstractModel):
    """Values of the "Reading anomalies" PDF: totals per type and severity, and the open
    anomalies that block billing with their meter, service point, reading and range."""

    _name = "report.meter_management_reports.report_meter_anomalies"
    _description = "Reading Anomalies (report)"

    @api.model
    def _get_report_values(self, docids, data=None):
        anomalies = self.env["meter.anomaly"].browse(docids)
        data = data or {}
        return {
            "doc_ids": docids,
            "doc_model": "meter.anomaly",
            "docs": anomalies,
            "totals": self._get_totals(anomalies),
            "blocking": anomalies.filtered(
                lambda a: a.severity == "block" and a.state != "resolved"
            ).sorted(lambda a: (a.service_point_id.name or "", a.reading_date)),
            "criteria": data.get("criteria"),
            "company": anomalies.company_id[:1] or self.env.company,
        }

    @api.model
    def _get_totals(self, anomalies):
        """``[{'type', 'severity', 'count', 'open'}]`` by type, one grouped query."""
        severities = dict(
            self.env["meter.anomaly"]._fields["severity"]._description_selection(self.env)
        )
        groups = self.env["meter.anomaly"]._read_group(
            [("id", "in", anomalies.ids)], ["type_id", "severity", "state"], ["__count"]
        )
        totals = {}
        for anomaly_type, severity, state, count in groups:
            row = totals.setdefault(
                (anomaly_type.sequence, anomaly_type.id, severity),
                {
                    "type": anomaly_type.display_name,
                    "severity": severities.get(severity),
                    "count": 0,
                    "open": 0,
                },
            )
            row["count"] += count
            row["open"] += count if state != "resolved" else 0
        return [totals[key] for key in sorted(totals)]


class ReportMeterServiceOrders(models.AbstractModel):
    """Values of the "Service orders" PDF: counts by type and stage, each order with its
    work (meters removed and installed, readings taken, anomalies resolved), and the
    average and 90th-percentile time from anomaly to resolution."""

    _name = "report.meter_management_reports.report_meter_service_orders"
    _description = "Service Orders (report)"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = (
            self.env["meter.service.order"]
            .browse(docids)
            .sorted(lambda o: (o.order_type, o.scheduled_date or o.create_date, o.id))
        )
        data = data or {}
        groups = self.env["meter.service.order"]._read_group(
            [("id", "in", orders.ids)], ["order_type", "stage_id"], ["__count"]
        )
        types = dict(orders._fields["order_type"]._description_selection(self.env))
        return {
            "doc_ids": docids,
            "doc_model": "meter.service.order",
            "docs": orders,
            "counts": [
                {"type": types.get(order_type), "stage": stage.name, "count": count}
                for order_type, stage, count in sorted(groups, key=lambda g: (g[0], g[1].sequence))
            ],
            "resolution_time": self._get_resolution_time(orders),
            "criteria": data.get("criteria"),
            "company": orders.company_id[:1] or self.env.company,
        }

    @api.model
    def _get_resolution_time(self, orders):
        """Average and 90th percentile, in days, from an anomaly's detection to its
        resolution, over the resolved anomalies of ``orders``; one query."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*),
                       avg(extract(epoch FROM resolved_date - create_date)) / 86400,
                       percentile_cont(0.9) WITHIN GROUP (
                           ORDER BY extract(epoch FROM resolved_date - create_date)) / 86400
                  FROM meter_anomaly
                 WHERE service_order_id = ANY(%s) AND state = 'resolved'
                """,
                orders.ids,
            )
        )
        count, average, p90 = self.env.cr.fetchone()
        return {
            "count": count,
            "average": round(float(average or 0), 1),
            "p90": round(float(p90 or 0), 1),
        }
