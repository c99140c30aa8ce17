from odoo import api, models
from odoo.tools import SQL

from ..tools import anomaly_rules as rules


class MeterAnomalyDetection(models.AbstractModel):
    """Anomaly detection inside the readings import (``meter.reading._import_readings_csv``):
    duplicates and conflicts before the rows are counted, reader codes given instead of a
    value, the rules on the readings saved, readings of meters not installed then."""

    _inherit = "meter.anomaly.detection"

    @api.model
    def _prepare_import(self):
        """After the import resolved its rows, before it counts the wrong ones: drop the
        rows that repeat a reading already saved or an earlier row (duplicates, reported
        and not saved again), refuse those giving another value for the same meter,
        register and time (conflicts), and set aside the rows that carry a reader code
        instead of a value. Returns ``{"duplicates": n, "codes": n}``."""
        cr = self.env.cr
        _by_rule, by_code = self.env["meter.anomaly.type"]._get_active_types(self.env.company)
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_import_codes"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_anomaly_import_codes ON COMMIT DROP AS
                SELECT r.row_no, r.installation_id, r.register_type, r.dt, c.type_id,
                       upper(trim(r.reader_code)) AS reader_code
                  FROM meter_reading_import_resolved r
                  JOIN meter_reading_import_rows t ON t.row_no = r.row_no
                  JOIN unnest(%(codes)s::text[], %(types)s::int[]) AS c(code, type_id)
                    ON c.code = upper(trim(r.reader_code))
                 WHERE r.error = 'bad_value' AND COALESCE(trim(t.value), '') = ''
                   AND r.installation_id IS NOT NULL AND r.dt IS NOT NULL
                """,
                codes=list(by_code),
                types=[anomaly_type.id for anomaly_type in by_code.values()],
            )
        )
        codes = cr.rowcount
        cr.execute(
            SQL(
                """
                DELETE FROM meter_reading_import_resolved r USING meter_anomaly_import_codes c
                 WHERE r.row_no = c.row_no;
                ANALYZE meter_reading_import_resolved;
                WITH chains AS (
                    -- the chains of the file that have a reading saved at or after its first
                    -- row: only their rows can repeat a saved reading (one probe per chain)
                    SELECT c.installation_id, c.register_type
                      FROM (SELECT installation_id, register_type, min(dt) AS first_dt
                              FROM meter_reading_import_resolved WHERE error IS NULL
                             GROUP BY installation_id, register_type) c
                     WHERE EXISTS (SELECT 1 FROM meter_reading s
                                    WHERE s.installation_id = c.installation_id
                                      AND s.register_type = c.register_type
                                      AND s.reading_date >= c.first_dt)
                ), saved AS (
                    SELECT r.row_no,
                           CASE WHEN s.value <> r.value THEN 'conflict' ELSE 'duplicate' END
                               AS error
                      FROM meter_reading_import_resolved r
                      JOIN chains c
                        ON c.installation_id = r.installation_id
                       AND c.register_type = r.register_type
                      JOIN meter_reading s
                        ON s.installation_id = r.installation_id
                       AND s.register_type = r.register_type AND s.reading_date = r.dt
                     WHERE r.error IS NULL
                ), repeated AS (
                    -- the same meter, register and time more than once in the file (a hash
                    -- aggregate, no sort)
                    SELECT installation_id, register_type, dt, min(row_no) AS first_row,
                           min(value) <> max(value) AS differ
                      FROM meter_reading_import_resolved WHERE error IS NULL
                     GROUP BY installation_id, register_type, dt HAVING count(*) > 1
                ), hits AS (
                    SELECT row_no, error FROM saved
                    UNION ALL
                    SELECT r.row_no, CASE WHEN d.differ THEN 'conflict' ELSE 'duplicate' END
                      FROM meter_reading_import_resolved r
                      JOIN repeated d
                        ON d.installation_id = r.installation_id
                       AND d.register_type = r.register_type AND d.dt = r.dt
                     WHERE r.error IS NULL AND (d.differ OR r.row_no <> d.first_row)
                )
                UPDATE meter_reading_import_resolved r SET error = h.error
                  FROM (SELECT row_no, min(error) AS error FROM hits GROUP BY row_no) h
                 WHERE r.row_no = h.row_no
                """
            )
        )
        cr.execute(SQL("DELETE FROM meter_reading_import_resolved WHERE error = 'duplicate'"))
        return {"duplicates": cr.rowcount, "codes": codes}

    @api.model
    def _detect_import(self):
        """After the import saved its valid rows: run every rule on them, and record the
        reader codes given instead of a value and the readings of meters not installed
        then. Returns ``{type code: count}``."""
        by_rule, _by_code = self.env["meter.anomaly.type"]._get_active_types(self.env.company)
        depth = 1 + max(
            self._type_params(by_rule.get(rule))["n"]
            for rule in (rules.RULE_ZERO, rules.RULE_ESTIMATED, rules.RULE_HIGH, rules.RULE_LOW)
        )
        cr = self.env.cr
        # the readings the import saved become the rows to check, without a copy (adding
        # columns with a constant default rewrites nothing)
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_rows, meter_anomaly_found"))
        cr.execute(
            SQL(
                """
                ALTER TABLE meter_reading_import_new
                    ADD COLUMN reader_id int, ADD COLUMN in_scope boolean DEFAULT TRUE,
                    ADD COLUMN check_backdated boolean DEFAULT FALSE;
                ALTER TABLE meter_reading_import_new RENAME TO meter_anomaly_rows;
                CREATE TEMPORARY TABLE meter_anomaly_found (
                    reading_id int, type_id int, expected numeric, low numeric,
                    high numeric, misread_kind varchar
                ) ON COMMIT DROP
                """
            )
        )
        cr.execute(
            SQL(
                """
                -- chains with readings saved after the imported ones were recomputed whole:
                -- read them as saved now
                WITH later AS (
                    DELETE FROM meter_anomaly_rows n USING meter_reading_import_chains c
                     WHERE c.later AND c.installation_id = n.installation_id
                       AND c.register_type = n.register_type
                 RETURNING n.id
                )
                INSERT INTO meter_anomaly_rows
                SELECT r.id, r.installation_id, r.register_type, r.reading_date, %(value)s,
                       r.previous_value, r.previous_date, r.units, r.consumption, r.anomaly,
                       r.kind, r.reader_code, r.reader_id, l.id IS NOT NULL, l.id IS NOT NULL
                  FROM meter_reading_import_chains c
                  JOIN meter_reading r
                    ON r.installation_id = c.installation_id AND r.register_type = c.register_type
                  LEFT JOIN later l ON l.id = r.id
                 WHERE c.later
                UNION ALL
                -- the history before the imported readings: the last readings of each chain
                SELECT h.*, FALSE, FALSE
                  FROM meter_reading_import_chains c
                 CROSS JOIN LATERAL (
                     SELECT r.id, r.installation_id, r.register_type, r.reading_date, %(value)s,
                            r.previous_value, r.previous_date, r.units, r.consumption, r.anomaly,
                            r.kind, r.reader_code, r.reader_id
                       FROM meter_reading r
                      WHERE r.installation_id = c.installation_id
                        AND r.register_type = c.register_type AND r.reading_date < c.first_dt
                      ORDER BY r.reading_date DESC, r.id DESC LIMIT %(depth)s
                 ) h
                 WHERE c.prev_date IS NOT NULL AND NOT c.later
                """,
                value=self.env["meter.reading"]._sql_billing_value("r"),
                depth=depth,
            )
        )
        counts = self._detect(self.env.company, "meter_anomaly_rows")
        for code, count in self._insert_import_only_anomalies().items():
            counts[code] = counts.get(code, 0) + count
        return counts

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------

    @api.model
    def _insert_import_only_anomalies(self):
        """Anomalies of an import with no reading saved: a reader code given instead of a
        value, and a reading of a meter not installed at that date (a refused row)."""
        by_rule, _by_code = self.env["meter.anomaly.type"]._get_active_types(self.env.company)
        not_installed = by_rule.get(rules.RULE_NOT_INSTALLED)
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH rows AS (
                    SELECT c.type_id, inst.company_id, c.installation_id, inst.lot_id,
                           inst.service_point_id, c.register_type, c.dt, NULL::numeric AS value,
                           c.reader_code
                      FROM meter_anomaly_import_codes c
                      JOIN meter_installation inst ON inst.id = c.installation_id
                    UNION ALL
                    SELECT %(not_installed)s, lot.company_id, NULL, lot.id, NULL,
                           lower(trim(t.register_type)), r.dt, r.value,
                           NULLIF(upper(trim(t.reader_code)), '')
                      FROM meter_reading_import_resolved r
                      JOIN meter_reading_import_rows t ON t.row_no = r.row_no
                      JOIN stock_lot lot
                        ON lot.is_meter AND lot.company_id = %(company)s
                       AND lot.name = trim(t.meter_number)
                     WHERE %(not_installed)s IS NOT NULL AND r.error = 'not_installed'
                ), inserted AS (
                    INSERT INTO meter_anomaly (
                        type_id, rule, severity, state, company_id, installation_id, lot_id,
                        service_point_id, register_type, reading_date, reading_value,
                        reader_code, create_uid, create_date, write_uid, write_date)
                    SELECT rows.type_id, t.rule, t.severity, 'new', rows.company_id,
                           rows.installation_id, rows.lot_id, rows.service_point_id,
                           rows.register_type, rows.dt, rows.value, rows.reader_code,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                      FROM rows JOIN meter_anomaly_type t ON t.id = rows.type_id
                    RETURNING id, type_id
                )
                SELECT t.code, count(*),
                       array_agg(i.id) FILTER (WHERE t.service_order_type IS NOT NULL)
                  FROM inserted i JOIN meter_anomaly_type t ON t.id = i.type_id
                 GROUP BY t.code
                """,
                not_installed=not_installed.id if not_installed else None,
                company=self.env.company.id,
                uid=self.env.uid,
            )
        )
        counts = self._read_counts()
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_import_codes"))
        return counts
