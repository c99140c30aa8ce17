import base64
import io

from odoo import fields, models
from odoo.exceptions import UserError


class MeterReadingImport(models.TransientModel):
    """Load a file of readings: every wrong row is reported by its line, and nothing of
    the file is saved unless asked to keep the valid rows."""

    _name = "meter.reading.import"
    _description = "Import Meter Readings"

    file = fields.Binary(required=True)
    filename = fields.Char()
    keep_valid = fields.Boolean(
        string="Keep the valid rows",
        help="Save the valid rows even when some rows are wrong; otherwise a wrong row "
        "saves nothing of the file.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(string="Readings Saved", readonly=True)
    rejected_count = fields.Integer(string="Rows Refused", readonly=True)
    duplicate_count = fields.Integer(
        string="Duplicates Skipped",
        readonly=True,
        help="Rows repeating a reading already saved or an earlier row: not saved again.",
    )
    anomaly_count = fields.Integer(string="Anomalies Found", readonly=True)
    report = fields.Text(readonly=True)

    def _decode_file(self):
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        if not text.strip():
            raise UserError(self.env._("The file is empty."))
        return io.StringIO(text)

    def action_import(self):
        self.ensure_one()
        result = self.env["meter.reading"]._import_readings_csv(
            self._decode_file(), keep_valid=self.keep_valid, source="file"
        )
        self.write(
            {
                "state": "done",
                "created_count": result["created"],
                "rejected_count": result["rejected"],
                "duplicate_count": result["duplicates"],
                "anomaly_count": sum(result["anomalies"].values()),
                "report": self._format_report(result),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Meter Readings"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _format_report(self, result):
        lines = [
            self.env._("Line %(row)s: %(message)s", row=error["row"], message=error["message"])
            for error in result["errors"]
        ]
        more = result["rejected"] - len(result["errors"])
        if more == 1:
            lines.append(self.env._("... and 1 more wrong row."))
        elif more > 1:
            lines.append(self.env._("... and %(count)s more wrong rows.", count=more))
        lines += [
            self.env._("Anomalies %(code)s: %(count)s", code=code, count=count)
            for code, count in sorted(result["anomalies"].items())
        ]
        if result["rejected"] and not result["saved"]:
            lines.insert(0, self.env._("Nothing was saved: correct these rows and load again."))
        return "\n".join(lines)

    def action_open_anomalies(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.meter_anomaly_action"
        )

    def action_open_readings(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "meter_management.meter_reading_action"
        )
