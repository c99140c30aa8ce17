from collections import Counter

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import anomaly_rules as rules
from ..tools.consumption import ANOMALY_BELOW_PREVIOUS, ANOMALY_OUT_OF_RANGE, to_decimal


class MeterAnomalyDetection(models.AbstractModel):
    """The reading anomaly rules, set-based: one pass of window functions over the chains
    of the readings concerned, then one INSERT of the anomalies found. Used alike by the
    readings import (a file, an RPC batch) and by readings entered one by one; override
    ``_get_rule_sql`` or ``_find_*`` to change or add a rule.

    The rules are those of ``tools/anomaly_rules.py`` (the tests check both agree); readings
    below the previous one are classified there, in Python, after one fetch (they are few).
    """

    _name = "meter.anomaly.detection"
    _description = "Reading Anomaly Detection"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _detect_readings(self, readings):
        """Run every rule on ``readings`` (saved); returns ``{type code: count}``."""
        if not readings:
            return {}
        self.env.flush_all()
        self._create_scope(SQL("SELECT unnest(%s::int[]) AS id", readings.ids))
        return self._detect(readings.company_id[:1] or self.env.company)

    @api.model
    def _check_unique_readings(self, vals_list):
        """Refuse readings (values of ``create``, completed) that repeat a meter, register
        and time, with a message naming the meter."""
        keys = Counter(
            (vals["installation_id"], vals["register_type"], str(vals["reading_date"]))
            for vals in vals_list
        )
        Reading = self.env["meter.reading"]
        existing = Reading.search(
            [
                ("installation_id", "in", [key[0] for key in keys]),
                ("reading_date", "in", [vals["reading_date"] for vals in vals_list]),
            ]
        )
        keys.update((r.installation_id.id, r.register_type, str(r.reading_date)) for r in existing)
        repeated = [key for key, count in keys.items() if count > 1]
        if repeated:
            installations = self.env["meter.installation"].browse([key[0] for key in repeated])
            raise UserError(
                self.env._(
                    "Meter %(meters)s already has a reading of that register at %(dates)s: "
                    "correct that reading instead.",
                    meters=", ".join(installations.lot_id.mapped("name")),
                    dates=", ".join(sorted({key[2] for key in repeated})),
                )
            )

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
                WITH keyed AS (
                    SELECT r.row_no, r.value,
                           min(r.row_no) OVER k AS first_row,
                           min(r.value) OVER k <> max(r.value) OVER k AS differ,
                           s.value AS saved_value
                      FROM meter_reading_import_resolved r
                      LEFT JOIN meter_reading s
                             ON s.installation_id = r.installation_id
                            AND s.register_type = r.register_type AND s.reading_date = r.dt
                     WHERE r.error IS NULL
                    WINDOW k AS (PARTITION BY r.installation_id, r.register_type, r.dt)
                )
                UPDATE meter_reading_import_resolved r
                   SET error = CASE WHEN k.saved_value IS NULL AND k.differ THEN 'conflict'
                                    WHEN k.saved_value IS NOT NULL AND k.saved_value <> k.value
                                    THEN 'conflict'
                                    ELSE 'duplicate' END
                  FROM keyed k
                 WHERE k.row_no = r.row_no
                   AND (k.saved_value IS NOT NULL OR k.differ OR k.row_no <> k.first_row)
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
        self._create_scope(
            SQL(
                """
                SELECT m.id FROM meter_reading_import_resolved t
                  JOIN meter_reading m
                    ON m.installation_id = t.installation_id
                   AND m.register_type = t.register_type AND m.reading_date = t.dt
                 WHERE t.error IS NULL
                """
            )
        )
        counts = self._detect(self.env.company)
        for code, count in self._insert_import_only_anomalies().items():
            counts[code] = counts.get(code, 0) + count
        return counts

    # ------------------------------------------------------------------
    # Detection
    # ------------------------------------------------------------------

    @api.model
    def _create_scope(self, scope_sql):
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_scope, meter_anomaly_found"))
        cr.execute(
            SQL("CREATE TEMPORARY TABLE meter_anomaly_scope ON COMMIT DROP AS %s", scope_sql)
        )
        cr.execute(SQL("ANALYZE meter_anomaly_scope"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_anomaly_found (
                    reading_id int, type_id int, expected numeric, low numeric,
                    high numeric, misread_kind varchar
                ) ON COMMIT DROP
                """
            )
        )

    @api.model
    def _detect(self, company):
        by_rule, by_code = self.env["meter.anomaly.type"]._get_active_types(company)
        self._find_by_windows(by_rule)
        self._find_reactive(by_rule.get(rules.RULE_REACTIVE))
        self._find_below_previous(by_rule, company)
        self._find_reader_codes(by_code)
        return self._insert_found()

    @api.model
    def _type_params(self, anomaly_type, default_count=3):
        return {
            "id": anomaly_type.id if anomaly_type else None,
            "on": bool(anomaly_type),
            "n": max(int(anomaly_type.reading_count), 1) if anomaly_type else default_count,
            "pct": to_decimal(anomaly_type.band_percent or 0) if anomaly_type else 0,
            "units": to_decimal(anomaly_type.band_units or 0) if anomaly_type else 0,
        }

    @api.model
    def _find_by_windows(self, by_rule):
        """Zero and estimated runs, high / low against history, demand above the maximum,
        readings dated before one already saved, readings out of the register: one pass."""
        zero = self._type_params(by_rule.get(rules.RULE_ZERO))
        estimated = self._type_params(by_rule.get(rules.RULE_ESTIMATED))
        high = self._type_params(by_rule.get(rules.RULE_HIGH))
        low = self._type_params(by_rule.get(rules.RULE_LOW))
        demand = self._type_params(by_rule.get(rules.RULE_DEMAND))
        backdated = self._type_params(by_rule.get(rules.RULE_BACKDATED))
        out = self._type_params(by_rule.get(rules.RULE_OUT_OF_RANGE))
        # the history window is as long as the longer of high and low
        history = max(high["n"], low["n"])
        self.env.cr.execute(
            SQL(
                """
                WITH chains AS (
                    SELECT DISTINCT r.installation_id, r.register_type
                      FROM meter_reading r JOIN meter_anomaly_scope s ON s.id = r.id
                ), w AS (
                    SELECT r.id, r.register_type, r.reading_date, r.previous_date, r.units,
                           r.consumption, r.anomaly, inst.service_point_id,
                           s.id IS NOT NULL AS in_scope,
                           count(*) OVER zw AS zero_n,
                           bool_and(r.previous_date IS NOT NULL AND r.units = 0) OVER zw AS zero_all,
                           lag(r.previous_date IS NOT NULL AND r.units = 0, %(zero_n)s) OVER o
                               AS zero_before,
                           count(*) OVER ew AS est_n,
                           bool_and(r.kind IN ('estimated', 'customer')) OVER ew AS est_all,
                           lag(r.kind IN ('estimated', 'customer'), %(est_n)s) OVER o AS est_before,
                           sum(r.units) OVER hw AS hist_units,
                           count(*) OVER hw AS hist_n,
                           bool_and(r.previous_date IS NOT NULL AND r.anomaly IS NULL) OVER hw
                               AS hist_ok,
                           first_value(r.previous_date) OVER hw AS hist_start,
                           max(r.reading_date) FILTER (WHERE s.id IS NULL) OVER c AS last_saved
                      FROM meter_reading r
                      JOIN chains ch
                        ON ch.installation_id = r.installation_id
                       AND ch.register_type = r.register_type
                      JOIN meter_installation inst ON inst.id = r.installation_id
                      LEFT JOIN meter_anomaly_scope s ON s.id = r.id
                    WINDOW c AS (PARTITION BY r.installation_id, r.register_type),
                           o AS (c ORDER BY r.reading_date, r.id),
                           zw AS (o ROWS BETWEEN %(zero_back)s PRECEDING AND CURRENT ROW),
                           ew AS (o ROWS BETWEEN %(est_back)s PRECEDING AND CURRENT ROW),
                           hw AS (o ROWS BETWEEN %(hist_n)s PRECEDING AND 1 PRECEDING)
                ), b AS (
                    SELECT w.*, x.expected,
                           greatest(x.expected * (1 + %(high_pct)s / 100.0),
                                    x.expected + %(high_units)s) AS high,
                           greatest(0, least(x.expected * (1 - %(low_pct)s / 100.0),
                                             x.expected - %(low_units)s)) AS low,
                           greatest(0, COALESCE(NULLIF(sp.contracted_demand, 0),
                                                %(demand_max)s)) AS demand_max
                      FROM w
                      LEFT JOIN meter_service_point sp ON sp.id = w.service_point_id
                     CROSS JOIN LATERAL (
                         SELECT CASE WHEN w.previous_date IS NOT NULL AND w.anomaly IS NULL
                                      AND w.register_type <> 'demand'
                                      AND w.hist_n = %(hist_n)s AND w.hist_ok
                                      AND w.previous_date > w.hist_start
                                      AND w.reading_date > w.previous_date
                                     THEN w.hist_units
                                          * extract(epoch FROM w.reading_date - w.previous_date)
                                          / extract(epoch FROM w.previous_date - w.hist_start)
                                END AS expected
                     ) x
                     WHERE w.in_scope
                )
                INSERT INTO meter_anomaly_found (reading_id, type_id, expected, low, high)
                SELECT b.id, v.type_id, v.expected, v.low, v.high
                  FROM b CROSS JOIN LATERAL (VALUES
                      (%(zero_id)s, NULL::numeric, NULL::numeric, NULL::numeric,
                       %(zero_on)s AND b.zero_n = %(zero_n)s AND b.zero_all
                       AND NOT COALESCE(b.zero_before, FALSE)),
                      (%(est_id)s, NULL, NULL, NULL,
                       %(est_on)s AND b.est_n = %(est_n)s AND b.est_all
                       AND NOT COALESCE(b.est_before, FALSE)),
                      (%(high_id)s, b.expected, b.low, b.high,
                       %(high_on)s AND b.expected IS NOT NULL AND b.units > b.high),
                      (%(low_id)s, b.expected, b.low, b.high,
                       %(low_on)s AND b.expected IS NOT NULL AND b.units < b.low
                       AND b.hist_n = %(low_n)s),
                      (%(demand_id)s, NULL, NULL,
                       b.demand_max * (1 + %(demand_pct)s / 100.0),
                       %(demand_on)s AND b.register_type = 'demand' AND b.demand_max > 0
                       AND b.consumption > b.demand_max * (1 + %(demand_pct)s / 100.0)),
                      (%(backdated_id)s, NULL, NULL, NULL,
                       %(backdated_on)s AND b.reading_date < b.last_saved),
                      (%(out_id)s, NULL, NULL, NULL,
                       %(out_on)s AND b.anomaly = %(out_of_range)s)
                  ) AS v(type_id, expected, low, high, hit)
                 WHERE v.hit
                """,
                zero_id=zero["id"],
                zero_on=zero["on"],
                zero_n=zero["n"],
                zero_back=zero["n"] - 1,
                est_id=estimated["id"],
                est_on=estimated["on"],
                est_n=estimated["n"],
                est_back=estimated["n"] - 1,
                hist_n=history,
                high_id=high["id"],
                high_on=high["on"],
                high_pct=high["pct"],
                high_units=high["units"],
                low_id=low["id"],
                low_on=low["on"],
                low_pct=low["pct"],
                low_units=low["units"],
                low_n=history,
                demand_id=demand["id"],
                demand_on=demand["on"],
                demand_pct=demand["pct"],
                demand_max=demand["units"],
                backdated_id=backdated["id"],
                backdated_on=backdated["on"],
                out_id=out["id"],
                out_on=out["on"],
                out_of_range=ANOMALY_OUT_OF_RANGE,
            )
        )

    @api.model
    def _find_reactive(self, anomaly_type):
        """Reactive energy above a share of the active energy read at the same time."""
        if not anomaly_type:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_found (reading_id, type_id, expected, high)
                SELECT r.id, %(type)s, a.consumption, a.consumption * %(pct)s / 100.0
                  FROM meter_anomaly_scope s
                  JOIN meter_reading r ON r.id = s.id AND r.register_type = 'reactive'
                  JOIN meter_reading a
                    ON a.installation_id = r.installation_id AND a.register_type = 'active'
                   AND a.reading_date = r.reading_date
                 WHERE r.previous_date IS NOT NULL AND a.previous_date IS NOT NULL
                   AND r.anomaly IS NULL AND a.anomaly IS NULL
                   AND r.consumption > a.consumption * %(pct)s / 100.0
                """,
                type=anomaly_type.id,
                pct=to_decimal(anomaly_type.band_percent),
            )
        )

    @api.model
    def _find_below_previous(self, by_rule, company):
        """Readings below the previous one that the rollover rule refused: misread,
        reverse running or implausible rollover (classified by ``tools/anomaly_rules``)."""
        wanted = {rules.RULE_MISREAD, rules.RULE_NEGATIVE, rules.RULE_ROLLOVER}
        if not wanted & set(by_rule):
            return
        # read the parameters before the query: reading a field may run a query itself
        share = to_decimal(company.meter_rollover_max_percent or 0) / 100
        negative = by_rule.get(rules.RULE_NEGATIVE)
        reverse_percent = negative.band_percent if negative else 0
        type_ids = {rule: anomaly_type.id for rule, anomaly_type in by_rule.items()}
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT r.id, r.previous_value, r.value, reg.digits
                  FROM meter_anomaly_scope s
                  JOIN meter_reading r ON r.id = s.id AND r.anomaly = %(below)s
                  JOIN meter_installation inst ON inst.id = r.installation_id
                  JOIN meter_register reg
                    ON reg.lot_id = inst.lot_id AND reg.register_type = r.register_type
                """,
                below=ANOMALY_BELOW_PREVIOUS,
            )
        )
        rows = []
        for reading_id, previous, value, digits in cr.fetchall():
            capacity = 10 ** int(digits)
            rule, misread = rules.classify_decrease(
                previous, value, digits, share, reverse_percent, capacity * share
            )
            if rule in type_ids:
                rows.append(
                    (
                        reading_id,
                        type_ids[rule],
                        misread.expected if misread else None,
                        misread.kind if misread else None,
                    )
                )
        if rows:
            cr.execute(
                SQL(
                    """
                    INSERT INTO meter_anomaly_found (reading_id, type_id, expected, misread_kind)
                    SELECT * FROM unnest(%s::int[], %s::int[], %s::numeric[], %s::varchar[])
                    """,
                    [row[0] for row in rows],
                    [row[1] for row in rows],
                    [row[2] for row in rows],
                    [row[3] for row in rows],
                )
            )

    @api.model
    def _find_reader_codes(self, by_code):
        if not by_code:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_found (reading_id, type_id)
                SELECT r.id, c.type_id
                  FROM meter_anomaly_scope s
                  JOIN meter_reading r ON r.id = s.id AND r.reader_code IS NOT NULL
                  JOIN unnest(%(codes)s::text[], %(types)s::int[]) AS c(code, type_id)
                    ON c.code = upper(trim(r.reader_code))
                """,
                codes=list(by_code),
                types=[anomaly_type.id for anomaly_type in by_code.values()],
            )
        )

    @api.model
    def _insert_found(self):
        """Write the anomalies found (one per reading and type; a reading checked again
        keeps the anomalies it has). Returns ``{type code: count}``."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                WITH inserted AS (
                    INSERT INTO meter_anomaly (
                        type_id, rule, severity, state, company_id, reading_id, installation_id,
                        lot_id, service_point_id, register_type, reading_date, reading_value,
                        units, previous_value, expected_value, expected_low, expected_high,
                        misread_kind, reader_code, reader_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT f.type_id, t.rule, t.severity, 'new', inst.company_id, r.id,
                           r.installation_id, inst.lot_id, inst.service_point_id,
                           r.register_type, r.reading_date, r.value, r.units, r.previous_value,
                           round(f.expected, 3), round(f.low, 3), round(f.high, 3),
                           f.misread_kind, r.reader_code, r.reader_id,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                      FROM meter_anomaly_found f
                      JOIN meter_anomaly_type t ON t.id = f.type_id
                      JOIN meter_reading r ON r.id = f.reading_id
                      JOIN meter_installation inst ON inst.id = r.installation_id
                    ON CONFLICT (reading_id, type_id) WHERE reading_id IS NOT NULL DO NOTHING
                    RETURNING id, type_id
                )
                SELECT t.code, count(*),
                       array_agg(i.id) FILTER (WHERE t.service_order_type IS NOT NULL)
                  FROM inserted i JOIN meter_anomaly_type t ON t.id = i.type_id
                 GROUP BY t.code
                """,
                uid=self.env.uid,
            )
        )
        counts = self._read_counts()
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_scope, meter_anomaly_found"))
        return counts

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

    @api.model
    def _read_counts(self):
        """``{type code: count}`` of the anomalies just inserted; those whose type calls for
        field work get their service order."""
        counts, to_raise = {}, []
        for code, count, ids in self.env.cr.fetchall():
            counts[code] = count
            to_raise += ids or []
        self.env["meter.anomaly"].invalidate_model()
        if to_raise:
            self.env["meter.service.order"]._raise_from_anomalies(
                self.env["meter.anomaly"].browse(to_raise)
            )
        return counts
