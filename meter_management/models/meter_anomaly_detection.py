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
        self._create_rows_table()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_rows
                SELECT r.id, r.installation_id, r.register_type, r.reading_date, %(value)s,
                       r.previous_value, r.previous_date, r.units, r.consumption, r.anomaly,
                       r.kind, r.reader_code, r.reader_id, r.id = ANY(%(ids)s), r.id = ANY(%(ids)s)
                  FROM meter_reading r
                 WHERE (r.installation_id, r.register_type) IN (
                        SELECT installation_id, register_type FROM meter_reading
                         WHERE id = ANY(%(ids)s))
                """,
                value=self.env["meter.reading"]._sql_billing_value("r"),
                ids=readings.ids,
            )
        )
        return self._detect(readings.company_id[:1] or self.env.company, "meter_reading")

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
    def _create_rows_table(self):
        """The readings the rules look at: those to check (``in_scope``) and the earlier
        readings of their chains (history); ``check_backdated``: whether a reading saved
        after it may exist."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_rows, meter_anomaly_found"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_anomaly_rows (
                    id int, installation_id int, register_type varchar, reading_date timestamp,
                    value numeric, previous_value numeric, previous_date timestamp,
                    units numeric, consumption numeric, anomaly varchar, kind varchar,
                    reader_code varchar, reader_id int, in_scope boolean,
                    check_backdated boolean
                ) ON COMMIT DROP;
                CREATE TEMPORARY TABLE meter_anomaly_found (
                    reading_id int, type_id int, expected numeric, low numeric,
                    high numeric, misread_kind varchar
                ) ON COMMIT DROP
                """
            )
        )

    @api.model
    def _detect(self, company, active_source):
        """Run the rules on the rows of ``meter_anomaly_rows`` in scope; ``active_source``:
        the table the active readings beside reactive ones are found in."""
        cr = self.env.cr
        cr.execute(SQL("ANALYZE meter_anomaly_rows"))
        by_rule, by_code = self.env["meter.anomaly.type"]._get_active_types(company)
        self._find_by_windows(by_rule)
        self._find_demand(by_rule.get(rules.RULE_DEMAND))
        self._find_reactive(by_rule.get(rules.RULE_REACTIVE), active_source)
        self._find_backdated(by_rule.get(rules.RULE_BACKDATED))
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
    def _sql_run(self, flag, count):
        """SQL: the reading completes ``count`` rows in a row where ``flag`` (a column) is
        true, the row before them not (``tools/anomaly_rules._run``)."""
        flag = SQL.identifier(flag)
        previous = [SQL("COALESCE(lag(%s, %s) OVER o, FALSE)", flag, k) for k in range(1, count)]
        return SQL(
            "(%s AND NOT COALESCE(lag(%s, %s) OVER o, FALSE))",
            SQL(" AND ").join([flag, *previous]),
            flag,
            count,
        )

    @api.model
    def _find_by_windows(self, by_rule):
        """Zero and estimated runs, high / low against history, readings out of the
        register: one sort of the chains, lags only."""
        zero = self._type_params(by_rule.get(rules.RULE_ZERO))
        estimated = self._type_params(by_rule.get(rules.RULE_ESTIMATED))
        high = self._type_params(by_rule.get(rules.RULE_HIGH))
        low = self._type_params(by_rule.get(rules.RULE_LOW))
        out = self._type_params(by_rule.get(rules.RULE_OUT_OF_RANGE))
        # the history is as long as the longer of high and low
        history = max(high["n"], low["n"])
        back = range(1, history + 1)
        hist_units = SQL(" + ").join(SQL("lag(units, %s) OVER o", k) for k in back)
        hist_ok = SQL(" AND ").join(
            SQL("COALESCE(lag(hist_ok, %s) OVER o, FALSE)", k) for k in back
        )
        self.env.cr.execute(
            SQL(
                """
                WITH w AS MATERIALIZED (
                    SELECT x.id, x.units, x.anomaly, x.zero_hit, x.est_hit,
                           CASE WHEN x.previous_date IS NOT NULL AND x.anomaly IS NULL
                                 AND x.register_type <> 'demand' AND x.hist_ok_all
                                 AND x.previous_date > x.hist_start
                                 AND x.reading_date > x.previous_date
                                THEN x.hist_units
                                     * extract(epoch FROM x.reading_date - x.previous_date)
                                     / extract(epoch FROM x.previous_date - x.hist_start)
                           END AS expected
                      FROM (
                          SELECT r.id, r.in_scope, r.units, r.anomaly, r.register_type,
                                 r.reading_date, r.previous_date,
                                 %(zero_hit)s AS zero_hit, %(est_hit)s AS est_hit,
                                 %(hist_units)s AS hist_units, %(hist_ok)s AS hist_ok_all,
                                 lag(r.previous_date, %(history)s) OVER o AS hist_start
                            FROM (SELECT m.*,
                                         m.installation_id::bigint * 4
                                         + CASE m.register_type WHEN 'active' THEN 1
                                                WHEN 'reactive' THEN 2 ELSE 3 END AS chain_key,
                                         m.previous_date IS NOT NULL AND m.units = 0 AS zero_flag,
                                         m.kind IN ('estimated', 'customer') AS est_flag,
                                         m.previous_date IS NOT NULL AND m.anomaly IS NULL
                                             AS hist_ok
                                    FROM meter_anomaly_rows m) r
                          -- one integer per chain: a cheaper sort than (id, varchar)
                          WINDOW o AS (PARTITION BY r.chain_key ORDER BY r.reading_date, r.id)
                      ) x
                     WHERE x.in_scope
                ), b AS MATERIALIZED (
                    SELECT w.id, w.units, w.anomaly, w.zero_hit, w.est_hit, w.expected,
                           greatest(w.expected * (1 + %(high_pct)s / 100.0),
                                    w.expected + %(high_units)s) AS high,
                           greatest(0, least(w.expected * (1 - %(low_pct)s / 100.0),
                                             w.expected - %(low_units)s)) AS low
                      FROM w
                     WHERE w.zero_hit OR w.est_hit OR w.expected IS NOT NULL
                        OR w.anomaly = %(out_of_range)s
                )
                INSERT INTO meter_anomaly_found (reading_id, type_id, expected, low, high)
                SELECT id, %(zero_id)s, NULL::numeric, NULL::numeric, NULL::numeric
                  FROM b WHERE %(zero_on)s AND zero_hit
                UNION ALL
                SELECT id, %(est_id)s, NULL, NULL, NULL FROM b WHERE %(est_on)s AND est_hit
                UNION ALL
                SELECT id, %(high_id)s, expected, low, high
                  FROM b WHERE %(high_on)s AND expected IS NOT NULL AND units > high
                UNION ALL
                SELECT id, %(low_id)s, expected, low, high
                  FROM b WHERE %(low_on)s AND expected IS NOT NULL AND units < low
                UNION ALL
                SELECT id, %(out_id)s, NULL, NULL, NULL
                  FROM b WHERE %(out_on)s AND anomaly = %(out_of_range)s
                """,
                zero_hit=self._sql_run("zero_flag", zero["n"]),
                est_hit=self._sql_run("est_flag", estimated["n"]),
                hist_units=hist_units,
                hist_ok=hist_ok,
                history=history,
                zero_id=zero["id"],
                zero_on=zero["on"],
                est_id=estimated["id"],
                est_on=estimated["on"],
                high_id=high["id"],
                high_on=high["on"],
                high_pct=high["pct"],
                high_units=high["units"],
                low_id=low["id"],
                low_on=low["on"],
                low_pct=low["pct"],
                low_units=low["units"],
                out_id=out["id"],
                out_on=out["on"],
                out_of_range=ANOMALY_OUT_OF_RANGE,
            )
        )

    @api.model
    def _find_demand(self, anomaly_type):
        """Demand above the service point's contracted demand (or the type's maximum),
        with the type's tolerance."""
        if not anomaly_type:
            return
        params = self._type_params(anomaly_type)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_found (reading_id, type_id, high)
                SELECT r.id, %(type)s, x.maximum * (1 + %(pct)s / 100.0)
                  FROM meter_anomaly_rows r
                  JOIN meter_installation inst ON inst.id = r.installation_id
                  JOIN meter_service_point sp ON sp.id = inst.service_point_id
                 CROSS JOIN LATERAL (
                     SELECT COALESCE(NULLIF(sp.contracted_demand, 0), %(maximum)s) AS maximum
                 ) x
                 WHERE r.in_scope AND r.register_type = 'demand' AND r.anomaly IS NULL
                   AND x.maximum > 0 AND r.consumption > x.maximum * (1 + %(pct)s / 100.0)
                """,
                type=params["id"],
                pct=params["pct"],
                maximum=params["units"],
            )
        )

    @api.model
    def _find_reactive(self, anomaly_type, active_source):
        """Reactive energy above a share of the active energy read at the same time."""
        if not anomaly_type:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_found (reading_id, type_id, expected, high)
                SELECT r.id, %(type)s, a.consumption, a.consumption * %(pct)s / 100.0
                  FROM meter_anomaly_rows r
                  JOIN %(active)s a
                    ON a.installation_id = r.installation_id AND a.register_type = 'active'
                   AND a.reading_date = r.reading_date
                 WHERE r.in_scope AND r.register_type = 'reactive'
                   AND r.previous_date IS NOT NULL AND a.previous_date IS NOT NULL
                   AND r.anomaly IS NULL AND a.anomaly IS NULL
                   AND r.consumption > a.consumption * %(pct)s / 100.0
                """,
                type=anomaly_type.id,
                pct=to_decimal(anomaly_type.band_percent),
                active=SQL.identifier(active_source),
            )
        )

    @api.model
    def _find_backdated(self, anomaly_type):
        """Readings dated before a reading already saved in their chain."""
        if not anomaly_type:
            return
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO meter_anomaly_found (reading_id, type_id)
                SELECT r.id, %(type)s
                  FROM meter_anomaly_rows r
                 WHERE r.in_scope AND r.check_backdated
                   AND EXISTS (
                       SELECT 1 FROM meter_reading o
                        WHERE o.installation_id = r.installation_id
                          AND o.register_type = r.register_type
                          AND o.reading_date > r.reading_date
                          AND NOT EXISTS (SELECT 1 FROM meter_anomaly_rows x
                                           WHERE x.id = o.id AND x.in_scope))
                """,
                type=anomaly_type.id,
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
                  FROM meter_anomaly_rows r
                  JOIN meter_installation inst ON inst.id = r.installation_id
                  JOIN meter_register reg
                    ON reg.lot_id = inst.lot_id AND reg.register_type = r.register_type
                 WHERE r.in_scope AND r.anomaly = %(below)s
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
                  FROM meter_anomaly_rows r
                  JOIN unnest(%(codes)s::text[], %(types)s::int[]) AS c(code, type_id)
                    ON c.code = upper(trim(r.reader_code))
                 WHERE r.in_scope AND r.reader_code IS NOT NULL
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
                        units, consumption, previous_value, expected_value, expected_low,
                        expected_high, misread_kind, reader_code, reader_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT f.type_id, t.rule, t.severity, 'new', inst.company_id, r.id,
                           r.installation_id, inst.lot_id, inst.service_point_id,
                           r.register_type, r.reading_date, r.value, r.units, r.consumption,
                           r.previous_value,
                           round(f.expected, 3), round(f.low, 3), round(f.high, 3),
                           f.misread_kind, r.reader_code, r.reader_id,
                           %(uid)s, now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                      FROM meter_anomaly_found f
                      JOIN meter_anomaly_type t ON t.id = f.type_id
                      JOIN meter_anomaly_rows r ON r.id = f.reading_id AND r.in_scope
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
        cr.execute(SQL("DROP TABLE IF EXISTS meter_anomaly_rows, meter_anomaly_found"))
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
