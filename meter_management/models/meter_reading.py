import csv
import io
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.consumption import (
    ANOMALY_BELOW_PREVIOUS,
    ANOMALY_OUT_OF_RANGE,
    ReadingValueError,
    compute_consumption,
    parse_reading_datetime,
    to_decimal,
)
from .meter_type_register import REGISTER_TYPES

READING_KINDS = [
    ("actual", "Actual"),
    ("estimated", "Estimated"),
    ("customer", "Customer"),
    ("installation", "Installation"),
    ("removal", "Removal"),
    ("check", "Check"),
]
READING_SOURCES = [("manual", "Manual"), ("file", "File"), ("rpc", "RPC")]
ANOMALIES = [
    (ANOMALY_BELOW_PREVIOUS, "Below the previous reading (not a plausible rollover)"),
    (ANOMALY_OUT_OF_RANGE, "Does not fit the register's digits"),
]
# columns of a readings file or RPC batch (the first four required)
IMPORT_COLUMNS = ("meter_number", "register_type", "reading_date", "value", "reader_code", "kind")
IMPORT_KINDS = ("actual", "estimated", "customer", "check")
# fields the consumption rule writes, read back to compare the ORM and the set-based paths
CONSUMPTION_FIELDS = (
    "previous_value",
    "previous_date",
    "units",
    "consumption",
    "rollover",
    "anomaly",
)


class Many2oneWithoutForeignKey(fields.Many2one):
    """A many-to-one whose column carries no database foreign key.

    For ``meter.reading`` only, a fact table of millions of rows a month: PostgreSQL checks
    a foreign key with a trigger call per inserted row, which was 40% of the readings
    import. Integrity is kept where the column is written: a reading is created only for an
    installation found by the import's join or by :meth:`MeterReading._complete_vals`, and
    an installation or user with readings cannot be deleted (``meter.installation`` refuses;
    users are archived, not deleted). Replace by ``fields.Many2one`` to get the foreign key
    back, at that cost.
    """

    def update_db_foreign_key(self, model, column):
        return


class MeterReading(models.Model):
    """A reading of one register of one meter installed at a service point.

    The multiplier in force is copied onto it; its consumption since the previous reading of
    the same register in the same installation is computed by the rule of
    ``tools/consumption.py`` (rollover only when plausible; demand registers not
    subtractive). The set-based import (``meter.reading.import``) writes the same figures.
    """

    _name = "meter.reading"
    _description = "Meter Reading"
    _order = "reading_date desc, id desc"
    _check_company_auto = True
    _rec_name = "lot_id"
    # Millions of rows a month, and every foreign key costs a trigger per inserted row: a
    # reading stores one, its installation; the register is the installation's meter's
    # register of that type (unique per meter), the meter, point and company are reached
    # through the installation. No create/write user columns (two more foreign keys).
    _log_access = False

    installation_id = Many2oneWithoutForeignKey(
        "meter.installation",
        required=True,
        index=False,  # the chain index starts with it
        check_company=True,
        domain="[('date_to', '=', False)]",
    )
    register_type = fields.Selection(REGISTER_TYPES, required=True, default="active")
    register_id = fields.Many2one(
        "meter.register", compute="_compute_register_id", search="_search_register_id"
    )
    lot_id = fields.Many2one(related="installation_id.lot_id", string="Meter")
    service_point_id = fields.Many2one(related="installation_id.service_point_id")
    company_id = fields.Many2one(related="installation_id.company_id")
    reading_date = fields.Datetime(string="Date", required=True)
    value = fields.Float(required=True, digits=(16, 3))
    kind = fields.Selection(READING_KINDS, required=True, default="actual")
    source = fields.Selection(READING_SOURCES, required=True, default="manual")
    reader_id = Many2oneWithoutForeignKey("res.users", string="Reader")
    reader_code = fields.Char(string="Reader Code")
    multiplier = fields.Float(
        digits=(16, 6),
        min_display_digits=1,
        help="Multiplier of the register when the reading was taken.",
    )
    previous_value = fields.Float(digits=(16, 3), readonly=True, default=0.0)
    previous_date = fields.Datetime(readonly=True)
    units = fields.Float(
        digits=(16, 3),
        readonly=True,
        default=0.0,
        help="Register units since the previous reading (the demand value for demand registers).",
    )
    consumption = fields.Float(
        digits=(16, 3),
        readonly=True,
        default=0.0,
        help="Units × multiplier (demand × multiplier).",
    )
    rollover = fields.Boolean(
        readonly=True, default=False, help="The register wrapped past 10^digits."
    )
    anomaly = fields.Selection(ANOMALIES, readonly=True, index="btree_not_null")
    consumption_note = fields.Char(string="How", compute="_compute_consumption_note")
    note = fields.Char()

    _sql_constraints = [
        (
            "reading_uniq",
            "unique (installation_id, register_type, reading_date)",
            "A meter has one reading of a register at a given time.",
        ),
    ]

    def init(self):
        # the chain of readings of one register in one installation, in time order; billing
        # of given points reads it too
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS meter_reading_chain_idx ON meter_reading "
                "(installation_id, register_type, reading_date, id)"
            )
        )
        # billing of every point in a period: readings arrive in time order, a BRIN index
        # costs next to nothing to keep
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS meter_reading_date_brin_idx ON meter_reading "
                "USING brin (reading_date)"
            )
        )

    @api.depends("installation_id.lot_id.meter_register_ids.register_type", "register_type")
    def _compute_register_id(self):
        for reading in self:
            reading.register_id = reading.installation_id.lot_id.meter_register_ids.filtered(
                lambda reg, reading=reading: reg.register_type == reading.register_type
            )[:1]

    def _search_register_id(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        registers = self.env["meter.register"].browse([value] if isinstance(value, int) else value)
        domain = [("id", "=", False)]
        for register in registers:
            domain = expression.OR(
                [
                    domain,
                    [
                        ("installation_id.lot_id", "=", register.lot_id.id),
                        ("register_type", "=", register.register_type),
                    ],
                ]
            )
        return domain

    @api.depends("previous_value", "value", "units", "multiplier", "rollover", "anomaly")
    def _compute_consumption_note(self):
        for reading in self:
            reading.consumption_note = reading._get_consumption_result().reason

    @api.depends("lot_id.name", "register_type", "reading_date")
    def _compute_display_name(self):
        labels = dict(self._fields["register_type"]._description_selection(self.env))
        for reading in self:
            reading.display_name = (
                f"{reading.lot_id.name} {labels.get(reading.register_type, '')} "
                f"{fields.Datetime.to_string(reading.reading_date) or ''}"
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._complete_vals(vals_list)
        self.env["meter.anomaly.detection"]._check_unique_readings(vals_list)
        readings = super().create(vals_list)
        readings._recompute_consumption()
        self.env["meter.anomaly.detection"]._detect_readings(readings)
        return readings

    def write(self, vals):
        chain_changed = {"value", "reading_date", "register_type", "installation_id"} & set(vals)
        old_chains = self._get_chain_readings() if chain_changed else self.browse()
        result = super().write(vals)
        if chain_changed:
            (old_chains | self)._recompute_consumption()
        return result

    def unlink(self):
        neighbours = self._get_chain_readings() - self
        result = super().unlink()
        neighbours.exists()._recompute_consumption()
        return result

    @api.model
    def _complete_vals(self, vals_list):
        """Fill the installation and multiplier of readings given by meter (or register or
        installation), register type and date (as a file or ``load()`` gives them), in bulk."""
        lots = self.env["stock.lot"].browse(
            {vals["lot_id"] for vals in vals_list if vals.get("lot_id")}
        )
        registers = self.env["meter.register"].browse(
            {vals["register_id"] for vals in vals_list if vals.get("register_id")}
        )
        given = self.env["meter.installation"].browse(
            {vals["installation_id"] for vals in vals_list if vals.get("installation_id")}
        )
        lots |= registers.lot_id | given.lot_id
        installations = self.env["meter.installation"].search([("lot_id", "in", lots.ids)])
        by_lot = defaultdict(list)
        for installation in installations:
            by_lot[installation.lot_id.id].append(installation)
        errors = []
        now = fields.Datetime.now()
        for index, vals in enumerate(vals_list, start=1):
            register = self.env["meter.register"].browse(vals.get("register_id"))
            lot = (
                register.lot_id
                or self.env["meter.installation"].browse(vals.get("installation_id")).lot_id
                or self.env["stock.lot"].browse(vals.get("lot_id"))
            )
            if not lot:
                errors.append(self.env._("Reading %(row)s: no meter.", row=index))
                continue
            if not register:
                register = lot.meter_register_ids.filtered(
                    lambda reg, vals=vals: reg.register_type == vals.get("register_type")
                )
                if not register:
                    errors.append(
                        self.env._(
                            "Reading %(row)s: meter %(meter)s has no %(type)s register.",
                            row=index,
                            meter=lot.name,
                            type=vals.get("register_type"),
                        )
                    )
                    continue
            date = fields.Datetime.to_datetime(vals.get("reading_date"))
            if not date:
                errors.append(self.env._("Reading %(row)s: no date.", row=index))
                continue
            if date > now + timedelta(minutes=5):
                errors.append(
                    self.env._(
                        "Reading %(row)s of meter %(meter)s: the date %(date)s is in the future.",
                        row=index,
                        meter=lot.name,
                        date=date,
                    )
                )
                continue
            installation = self.env["meter.installation"].browse(vals.get("installation_id"))
            if not installation:
                installation = next(
                    (
                        inst
                        for inst in by_lot[lot.id]
                        if inst.date_from <= date and (not inst.date_to or date <= inst.date_to)
                    ),
                    installation,
                )
            if not installation:
                errors.append(
                    self.env._(
                        "Reading %(row)s: meter %(meter)s is not installed at a service point "
                        "on %(date)s.",
                        row=index,
                        meter=lot.name,
                        date=date,
                    )
                )
                continue
            for name in ("lot_id", "register_id", "service_point_id", "company_id"):
                vals.pop(name, None)
            vals.update(register_type=register.register_type, installation_id=installation.id)
            vals.setdefault("multiplier", register.multiplier)
        if errors:
            raise UserError("\n".join(errors))

    # ------------------------------------------------------------------
    # Consumption (ORM path; the import writes the same figures in SQL)
    # ------------------------------------------------------------------

    def _get_chain_readings(self):
        """All readings of the chains (installation, register type) of these readings."""
        if not self:
            return self.browse()
        chains = {(r.installation_id.id, r.register_type) for r in self}
        candidates = self.search(
            [
                ("installation_id", "in", list({chain[0] for chain in chains})),
                ("register_type", "in", list({chain[1] for chain in chains})),
            ]
        )
        return candidates.filtered(lambda r: (r.installation_id.id, r.register_type) in chains)

    def _get_consumption_result(self, previous=None):
        self.ensure_one()
        share = to_decimal(self.company_id.meter_rollover_max_percent or 0.0) / 100
        return compute_consumption(
            previous
            if previous is not None
            else (self.previous_value if self.previous_date else None),
            self._get_billing_value(),
            self.register_id.digits,
            self.register_type,
            self.multiplier,
            share,
        )

    def _recompute_consumption(self):
        """Recompute, in time order, every reading of the chains of these readings."""
        chains = defaultdict(list)
        for reading in self._get_chain_readings().sorted(lambda r: (r.reading_date, r.id)):
            chains[(reading.installation_id.id, reading.register_type)].append(reading)
        for chain in chains.values():
            previous = None
            for reading in chain:
                result = reading._get_consumption_result(
                    previous=previous._get_billing_value() if previous else None
                )
                vals = {
                    "previous_value": previous._get_billing_value() if previous else 0.0,
                    "previous_date": previous.reading_date if previous else False,
                    "units": float(result.units),
                    "consumption": float(result.consumption),
                    "rollover": result.rollover,
                    "anomaly": result.anomaly,
                }
                changed = {name: value for name, value in vals.items() if reading[name] != value}
                if changed:
                    super(MeterReading, reading).write(changed)
                previous = reading
        return True

    def _get_billing_value(self):
        """The value consumption is computed from (hook: a correction replaces it)."""
        self.ensure_one()
        return self.value

    @api.model
    def _sql_billing_value(self, alias):
        """:meth:`_get_billing_value` in SQL, for the reading row ``alias`` (hook)."""
        return SQL("%s.value", SQL.identifier(alias))

    @api.model
    def _check_values_against_previous(self, vals_list):
        """Refuse readings (values of ``create``) below the last reading of their register
        in their installation unless the rollover rule accepts them."""
        errors = []
        for vals in vals_list:
            installation = self.env["meter.installation"].browse(vals["installation_id"])
            register = installation.lot_id.meter_register_ids.filtered(
                lambda reg, vals=vals: reg.register_type == vals["register_type"]
            )
            last = self.search(
                [
                    ("installation_id", "=", installation.id),
                    ("register_type", "=", register.register_type),
                    ("reading_date", "<=", vals["reading_date"]),
                ],
                order="reading_date desc, id desc",
                limit=1,
            )
            if not last:
                continue
            share = to_decimal(register.company_id.meter_rollover_max_percent or 0.0) / 100
            result = compute_consumption(
                last._get_billing_value(),
                vals["value"],
                register.digits,
                register.register_type,
                register.multiplier,
                share,
            )
            if result.anomaly:
                errors.append(
                    self.env._(
                        "%(register)s: reading %(value)s refused, the last reading is %(last)s "
                        "on %(date)s. %(reason)s",
                        register=register.display_name,
                        value=vals["value"],
                        last=last._get_billing_value(),
                        date=last.reading_date,
                        reason=result.reason,
                    )
                )
        if errors:
            raise UserError("\n".join(errors))

    # ------------------------------------------------------------------
    # Set-based import (file, RPC batch)
    # ------------------------------------------------------------------

    @api.model
    def import_readings(self, rows, keep_valid=False):
        """RPC: import a batch of readings.

        ``rows``: list of dicts with ``meter_number``, ``register_type`` (active, reactive,
        demand), ``reading_date`` ("YYYY-MM-DD HH:MM:SS", UTC), ``value``, and optionally
        ``reader_code`` and ``kind`` (actual, estimated, customer, check). Nothing is saved
        when a row is wrong unless ``keep_valid``. Returns the report of
        :meth:`_import_readings_csv` (rows numbered from 1).
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_COLUMNS)
        for row in rows:
            if isinstance(row, dict):
                writer.writerow([_csv_cell(row.get(column)) for column in IMPORT_COLUMNS])
            else:
                cells = [_csv_cell(cell) for cell in row]
                writer.writerow(cells + [""] * (len(IMPORT_COLUMNS) - len(cells)))
        buffer.seek(0)
        return self._import_readings_csv(buffer, keep_valid=keep_valid, source="rpc", line_offset=0)

    @api.model
    def _import_readings_csv(self, stream, keep_valid=False, source="file", line_offset=1):
        """Import readings from a CSV text stream with a header line, set-based.

        COPY into a temporary table, one query to resolve meters, registers, installations
        and to find the wrong rows, one INSERT ... SELECT computing previous reading and
        consumption with window functions. Returns ``{"created", "rejected", "saved",
        "errors": [{"row", "meter_number", "message"}]}``; ``row`` is the line of the file
        (``line_offset`` = 1 for the header) or the position in an RPC batch.
        """
        if not self.env.user.has_group("meter_management.group_meter_field"):
            raise AccessError(self.env._("Only field staff and managers import readings."))
        columns = self._read_import_header(stream)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS meter_reading_import_rows"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_reading_import_rows (
                    row_no bigserial, meter_number text, register_type text, reading_date text,
                    value text, reader_code text, kind text
                ) ON COMMIT DROP
                """
            )
        )
        cr.copy_expert(
            f"COPY meter_reading_import_rows ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",
            stream,
        )
        cr.execute(SQL("ANALYZE meter_reading_import_rows"))
        cr.execute(SQL("SELECT current_setting('work_mem')"))
        work_mem = cr.fetchone()[0]
        # joins and window sorts of a large file in memory rather than on disk
        cr.execute(SQL("SELECT set_config('work_mem', '256MB', true)"))
        self._resolve_import_rows()
        prepared = self.env["meter.anomaly.detection"]._prepare_import()
        cr.execute(
            SQL(
                "SELECT count(*) FILTER (WHERE error IS NULL), count(*) FILTER (WHERE error IS NOT NULL) "
                "FROM meter_reading_import_resolved"
            )
        )
        valid, wrong = cr.fetchone()
        report = {
            "created": 0,
            "rejected": wrong,
            "saved": False,
            "errors": self._get_import_errors(line_offset) if wrong else [],
            "duplicates": prepared["duplicates"],
            "anomalies": {},
        }
        if (valid or prepared["codes"]) and (keep_valid or not wrong):
            report["created"] = self._insert_import_rows(source)
            report["saved"] = True
            report["anomalies"] = self.env["meter.anomaly.detection"]._detect_import()
        cr.execute(
            SQL(
                "DROP TABLE IF EXISTS meter_reading_import_rows, meter_reading_import_resolved, "
                "meter_reading_import_chains, meter_reading_import_new"
            )
        )
        cr.execute(SQL("SELECT set_config('work_mem', %s, true)", work_mem))
        return report

    @api.model
    def _read_import_header(self, stream):
        header = next(csv.reader([stream.readline()]), [])
        columns = [name.strip().lower() for name in header]
        unknown = [name for name in columns if name not in IMPORT_COLUMNS]
        missing = [name for name in IMPORT_COLUMNS[:4] if name not in columns]
        if unknown or missing or len(set(columns)) != len(columns):
            raise UserError(
                self.env._(
                    "The first line of the file must name its columns, among %(columns)s "
                    "(the first four are required). Unknown: %(unknown)s; missing: %(missing)s.",
                    columns=", ".join(IMPORT_COLUMNS),
                    unknown=", ".join(unknown) or "-",
                    missing=", ".join(missing) or "-",
                )
            )
        return columns

    @api.model
    def _resolve_import_rows(self):
        cr = self.env.cr
        cr.execute(SQL("SELECT DISTINCT reading_date FROM meter_reading_import_rows"))
        texts, dates = [], []
        for (text,) in cr.fetchall():
            try:
                dates.append(parse_reading_datetime(text))
            except ReadingValueError:
                dates.append(None)
            texts.append(text)
        now = fields.Datetime.now() + timedelta(minutes=5)
        cr.execute(SQL("DROP TABLE IF EXISTS meter_reading_import_resolved"))
        cr.execute(
            SQL(
                r"""
                CREATE TEMPORARY TABLE meter_reading_import_resolved ON COMMIT DROP AS
                WITH dates AS (
                    SELECT text, dt FROM unnest(%(texts)s::text[], %(dates)s::timestamp[]) AS d(text, dt)
                ), installed AS (
                    -- every installation of a meter of the company, per register: one hash
                    SELECT lot.name AS meter_number, reg.register_type, reg.digits,
                           reg.multiplier, inst.id AS installation_id, inst.date_from, inst.date_to
                      FROM meter_installation inst
                      JOIN stock_lot lot ON lot.id = inst.lot_id
                      JOIN meter_register reg ON reg.lot_id = inst.lot_id
                     WHERE inst.company_id = %(company)s
                )
                SELECT t.row_no, i.installation_id, i.register_type, i.digits, i.multiplier, d.dt,
                       v.value, v.kind, NULLIF(trim(t.reader_code), '') AS reader_code,
                       CASE WHEN d.dt IS NULL THEN 'bad_date'
                            WHEN d.dt > %(now)s THEN 'future_date'
                            WHEN v.value IS NULL THEN 'bad_value'
                            WHEN v.kind <> ALL(%(kinds)s) THEN 'bad_kind'
                            WHEN i.installation_id IS NULL THEN 'unresolved'
                       END AS error
                  FROM meter_reading_import_rows t
                  LEFT JOIN dates d ON d.text = t.reading_date
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN t.value ~ '^\s*[0-9]+([.,][0-9]+)?\s*$'
                                 THEN round(replace(trim(t.value), ',', '.')::numeric, 3)
                            END AS value,
                            COALESCE(NULLIF(lower(trim(t.kind)), ''), 'actual') AS kind
                 ) v
                  LEFT JOIN installed i
                         ON i.meter_number = trim(t.meter_number)
                        AND i.register_type = lower(trim(t.register_type))
                        AND i.date_from <= d.dt AND (i.date_to IS NULL OR d.dt <= i.date_to)
                """,
                texts=texts,
                dates=dates,
                company=self.env.company.id,
                now=now,
                kinds=list(IMPORT_KINDS),
            )
        )
        # the rows that found no installation: say why (unknown meter or register, or not
        # installed then); usually few
        cr.execute(
            SQL(
                """
                UPDATE meter_reading_import_resolved r
                   SET error = CASE WHEN lot.id IS NULL THEN 'unknown_meter'
                                    WHEN reg.id IS NULL THEN 'unknown_register'
                                    ELSE 'not_installed' END
                  FROM meter_reading_import_rows t
                  LEFT JOIN stock_lot lot
                         ON lot.is_meter AND lot.company_id = %(company)s
                        AND lot.name = trim(t.meter_number)
                  LEFT JOIN meter_register reg
                         ON reg.lot_id = lot.id AND reg.register_type = lower(trim(t.register_type))
                 WHERE r.error = 'unresolved' AND t.row_no = r.row_no
                """,
                company=self.env.company.id,
            )
        )

    @api.model
    def _get_import_errors(self, line_offset, limit=1000):
        self.env.cr.execute(
            SQL(
                """
                SELECT r.row_no, t.meter_number, t.register_type, t.reading_date, t.value, r.error
                  FROM meter_reading_import_resolved r
                  JOIN meter_reading_import_rows t ON t.row_no = r.row_no
                 WHERE r.error IS NOT NULL
                 ORDER BY r.row_no LIMIT %s
                """,
                limit,
            )
        )
        messages = self._get_import_error_messages()
        return [
            {
                "row": row_no + line_offset,
                "meter_number": meter,
                "message": messages[error]
                % {"meter": meter, "register": register, "date": date, "value": value},
            }
            for row_no, meter, register, date, value, error in self.env.cr.fetchall()
        ]

    @api.model
    def _get_import_error_messages(self):
        return {
            "unknown_meter": self.env._("meter %(meter)s does not exist"),
            "unknown_register": self.env._("meter %(meter)s has no %(register)s register"),
            "bad_date": self.env._("date %(date)s is not a date (YYYY-MM-DD HH:MM:SS)"),
            "future_date": self.env._("date %(date)s is in the future"),
            "bad_value": self.env._("value %(value)s is not a number"),
            "bad_kind": self.env._(
                "the kind must be actual, estimated, customer or check (meter %(meter)s)"
            ),
            "not_installed": self.env._(
                "meter %(meter)s is not installed at a service point on %(date)s"
            ),
            "conflict": self.env._(
                "meter %(meter)s has another %(register)s reading on %(date)s than %(value)s"
            ),
        }

    @api.model
    def _insert_import_rows(self, source):
        """Insert the valid resolved rows with their consumption: one statement.

        The previous reading of each row is the one before it in its chain (installation,
        register; by date, then file order), or for the first row of a chain the last
        reading already saved; ids follow that order, as the ORM path's (date, id) does.
        """
        cr = self.env.cr
        share = to_decimal(self.env.company.meter_rollover_max_percent or 0.0) / 100
        backdated = self._prepare_import_chains_sql()
        # the readings saved, as anomaly detection reads them (no second look-up)
        cr.execute(SQL("DROP TABLE IF EXISTS meter_reading_import_new"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_reading_import_new (
                    id int, installation_id int, register_type varchar, reading_date timestamp,
                    value numeric, previous_value numeric, previous_date timestamp,
                    units numeric, consumption numeric, anomaly varchar, kind varchar,
                    reader_code varchar
                ) ON COMMIT DROP
                """
            )
        )
        cr.execute(
            SQL(
                """
                WITH seq AS (
                    SELECT s.*,
                           lag(s.value) OVER w AS prev_value, lag(s.dt) OVER w AS prev_dt
                      FROM (
                          SELECT row_no, register_type, digits, multiplier, installation_id,
                                 dt, value, kind, reader_code
                            FROM meter_reading_import_resolved WHERE error IS NULL
                          UNION ALL
                          SELECT -1, register_type, NULL, NULL, installation_id,
                                 prev_date, prev_value, NULL, NULL
                            FROM meter_reading_import_chains WHERE prev_date IS NOT NULL
                      ) s
                    WINDOW w AS (PARTITION BY s.installation_id, s.register_type
                                 ORDER BY s.dt, s.row_no)
                )
                , inserted AS (
                    INSERT INTO meter_reading (
                        installation_id, register_type, reading_date, value, kind,
                        source, reader_code, multiplier, previous_value, previous_date, units,
                        consumption, rollover, anomaly)
                    SELECT installation_id, register_type, dt, value, kind,
                           %(source)s, reader_code, multiplier, COALESCE(prev_value, 0), prev_dt,
                           c.units, c.consumption, c.rollover, c.anomaly
                      FROM seq
                     CROSS JOIN LATERAL (%(consumption)s) c
                     WHERE row_no > 0
                    RETURNING id, installation_id, register_type, reading_date, value,
                              previous_value, previous_date, units, consumption, anomaly, kind,
                              reader_code
                )
                INSERT INTO meter_reading_import_new SELECT * FROM inserted
                """,
                source=source,
                consumption=self._sql_consumption("seq", share),
            )
        )
        created = cr.rowcount
        if backdated[0]:
            self._recompute_chains_sql(*backdated, share)
        self.env.invalidate_all()
        return created

    @api.model
    def _sql_consumption(self, alias, share):
        """The consumption rule of ``tools/consumption.py`` as a SELECT (for a LATERAL join)
        over the columns ``value, prev_value, digits, register_type, multiplier`` of the
        row ``alias``: units, consumption, rollover, anomaly."""
        return SQL(
            """
            SELECT y.units, round(y.units * %(src)s.multiplier, 3) AS consumption, y.rollover,
                   y.anomaly
              FROM (
                  SELECT CASE WHEN x.out_of_range THEN 0
                              WHEN x.demand THEN %(src)s.value
                              WHEN %(src)s.prev_value IS NULL THEN 0
                              WHEN %(src)s.value >= %(src)s.prev_value
                              THEN %(src)s.value - %(src)s.prev_value
                              WHEN x.wrap_ok THEN x.wrapped
                              ELSE 0
                         END AS units,
                         (NOT x.out_of_range AND NOT x.demand
                          AND %(src)s.prev_value IS NOT NULL
                          AND %(src)s.value < %(src)s.prev_value AND x.wrap_ok) AS rollover,
                         CASE WHEN x.out_of_range THEN %(out_of_range)s
                              WHEN NOT x.demand AND %(src)s.prev_value IS NOT NULL
                               AND %(src)s.value < %(src)s.prev_value AND NOT x.wrap_ok
                              THEN %(below)s
                         END AS anomaly
                    FROM (
                        SELECT %(src)s.value < 0 OR %(src)s.value >= c.capacity AS out_of_range,
                               %(src)s.register_type = 'demand' AS demand,
                               c.capacity - %(src)s.prev_value + %(src)s.value AS wrapped,
                               (%(src)s.prev_value < c.capacity
                                AND c.capacity - %(src)s.prev_value + %(src)s.value
                                    <= c.capacity * %(share)s) AS wrap_ok
                          FROM (SELECT power(10::numeric, %(src)s.digits) AS capacity) c
                    ) x
              ) y
            """,
            src=SQL.identifier(alias),
            out_of_range=ANOMALY_OUT_OF_RANGE,
            below=ANOMALY_BELOW_PREVIOUS,
            share=share,
        )

    @api.model
    def _prepare_import_chains_sql(self):
        """The chains (installation, register type) of the valid imported rows, with the
        last reading already saved before their first row (the previous reading of that
        row), in a temporary table. Returns ``(installation ids, register types)`` of the
        chains where readings already saved come after the imported ones: those chains are
        recomputed whole after the insert."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS meter_reading_import_chains"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE meter_reading_import_chains ON COMMIT DROP AS
                SELECT c.installation_id, c.register_type, c.first_dt, p.reading_date AS prev_date,
                       p.value AS prev_value,
                       EXISTS (SELECT 1 FROM meter_reading r
                                WHERE r.installation_id = c.installation_id
                                  AND r.register_type = c.register_type
                                  AND r.reading_date > c.first_dt) AS later
                  FROM (SELECT installation_id, register_type, min(dt) AS first_dt
                          FROM meter_reading_import_resolved WHERE error IS NULL
                         GROUP BY installation_id, register_type) c
                  LEFT JOIN LATERAL (
                      SELECT r.reading_date, %(value)s AS value FROM meter_reading r
                       WHERE r.installation_id = c.installation_id
                         AND r.register_type = c.register_type
                         AND r.reading_date <= c.first_dt
                       ORDER BY r.reading_date DESC, r.id DESC LIMIT 1
                  ) p ON TRUE
                """,
                value=self._sql_billing_value("r"),
            )
        )
        cr.execute(
            SQL(
                "SELECT array_agg(installation_id), array_agg(register_type) "
                "FROM meter_reading_import_chains WHERE later"
            )
        )
        installation_ids, register_types = cr.fetchone()
        return installation_ids or [], register_types or []

    @api.model
    def _recompute_chains_sql(self, installation_ids, register_types, share):
        """Recompute previous reading and consumption of whole chains, in one UPDATE."""
        self.env.cr.execute(
            SQL(
                """
                WITH seq AS (
                    SELECT r.id, %(value)s AS value, r.register_type, reg.digits, r.multiplier,
                           lag(%(value)s) OVER w AS prev_value,
                           lag(r.reading_date) OVER w AS prev_dt
                      FROM meter_reading r
                      JOIN unnest(%(installations)s::int[], %(registers)s::varchar[])
                           AS b(installation_id, register_type)
                        ON b.installation_id = r.installation_id
                       AND b.register_type = r.register_type
                      JOIN meter_installation inst ON inst.id = r.installation_id
                      JOIN meter_register reg
                        ON reg.lot_id = inst.lot_id AND reg.register_type = r.register_type
                    WINDOW w AS (PARTITION BY r.installation_id, r.register_type
                                 ORDER BY r.reading_date, r.id)
                )
                UPDATE meter_reading m
                   SET previous_value = COALESCE(seq.prev_value, 0), previous_date = seq.prev_dt,
                       units = c.units, consumption = c.consumption, rollover = c.rollover,
                       anomaly = c.anomaly
                  FROM seq CROSS JOIN LATERAL (%(consumption)s) c
                 WHERE m.id = seq.id
                """,
                installations=installation_ids,
                registers=register_types,
                value=self._sql_billing_value("r"),
                consumption=self._sql_consumption("seq", share),
            )
        )


def _csv_cell(value):
    if value is None or value is False:
        return ""
    return value
