import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.meter_reading import CONSUMPTION_FIELDS
from .common import METERS_RECEIVED_ON, MeterCommon

HEADER = "meter_number,register_type,reading_date,value,reader_code\n"


@tagged("post_install", "-at_install")
class TestMeterReadings(MeterCommon):
    """Readings one by one, from a file and by RPC: consumption, rollover, per-row report."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # received before the installations the tests date in 2026
        with freeze_time(METERS_RECEIVED_ON):
            cls.meter_a = cls._create_meter("RD-A001", product=cls.ct_meter)
            cls.meter_b = cls._create_meter("RD-B001")
            cls.meter_store = cls._create_meter("RD-S001")
        cls.point_a = cls._create_service_point()
        cls.point_b = cls._create_service_point()

    def setUp(self):
        super().setUp()
        self._run_installation_wizard(
            "install",
            self.point_a,
            "2026-01-01 08:00:00",
            {("initial", "active"): 99000, ("initial", "reactive"): 500, ("initial", "demand"): 0},
            new_lot=self.meter_a,
        )
        self._run_installation_wizard(
            "install",
            self.point_b,
            "2026-01-01 08:00:00",
            {("initial", "active"): 10},
            new_lot=self.meter_b,
        )
        self.field_env = self._env_as(self.field_technician)

    def _import(self, text, keep_valid=False, env=None):
        wizard = (env or self.field_env)["meter.reading.import"].create(
            {"file": base64.b64encode(text.encode()), "keep_valid": keep_valid}
        )
        wizard.action_import()
        return wizard

    def _figures(self, readings):
        return {
            (
                r.lot_id.name,
                r.register_type,
                str(r.reading_date),
                r.value,
            ): tuple(r[name] for name in CONSUMPTION_FIELDS)
            for r in readings
        }

    def _chain(self, lot, register_type="active"):
        return self.env["meter.reading"].search(
            [("lot_id", "=", lot.id), ("register_type", "=", register_type)],
            order="reading_date, id",
        )

    def test_reading_one_by_one_computes_consumption_with_multiplier(self):
        reading = self.field_env["meter.reading"].create(
            {
                "lot_id": self.meter_a.id,
                "register_type": "active",
                "reading_date": "2026-02-01 08:00:00",
                "value": 99950,
            }
        )
        self.assertEqual(reading.service_point_id, self.point_a)
        self.assertEqual(reading.multiplier, 40)
        self.assertEqual((reading.previous_value, reading.units), (99000, 950))
        self.assertEqual(reading.consumption, 950 * 40)
        rollover = self.field_env["meter.reading"].create(
            {
                "lot_id": self.meter_a.id,
                "register_type": "active",
                "reading_date": "2026-03-01 08:00:00",
                "value": 30,
            }
        )
        self.assertTrue(rollover.rollover)
        self.assertEqual(rollover.consumption, 80 * 40)
        self.assertIn("Rollover", rollover.consumption_note)
        # a reading slipped in between: the chain is recomputed
        self.field_env["meter.reading"].create(
            {
                "lot_id": self.meter_a.id,
                "register_type": "active",
                "reading_date": "2026-02-15 08:00:00",
                "value": 99980,
            }
        )
        self.assertEqual(self._chain(self.meter_a).mapped("units"), [0, 950, 30, 50])
        self.assertEqual(rollover.consumption, 50 * 40)

    def test_implausible_wrap_is_flagged_not_counted(self):
        reading = self.field_env["meter.reading"].create(
            {
                "lot_id": self.meter_a.id,
                "register_type": "active",
                "reading_date": "2026-02-01 08:00:00",
                "value": 50000,
            }
        )
        self.assertEqual(reading.anomaly, "below_previous")
        self.assertFalse(reading.rollover)
        self.assertEqual(reading.consumption, 0)
        self.assertIn("51000 units", reading.consumption_note)

    def test_refuse_reading_of_meter_not_installed_or_in_the_future(self):
        with self.assertRaisesRegex(UserError, "RD-S001 is not installed"):
            self.field_env["meter.reading"].create(
                {
                    "lot_id": self.meter_store.id,
                    "register_type": "active",
                    "reading_date": "2026-02-01 08:00:00",
                    "value": 5,
                }
            )
        with self.assertRaisesRegex(UserError, "in the future"):
            self.field_env["meter.reading"].create(
                {
                    "lot_id": self.meter_b.id,
                    "register_type": "active",
                    "reading_date": "2099-02-01 08:00:00",
                    "value": 5,
                }
            )

    def test_file_with_wrong_rows_is_reported_by_line_and_saves_nothing(self):
        text = HEADER + (
            "RD-A001,active,2026-02-01 08:00:00,99950,R1\n"  # line 2: valid
            "NOPE-1,active,2026-02-01 08:00:00,10,R1\n"  # line 3: unknown meter
            "RD-B001,active,2026-02-01 08:00:00,twelve,R1\n"  # line 4: not a number
            "RD-B001,active,2099-02-01 08:00:00,12,R1\n"  # line 5: future
            "RD-S001,active,2026-02-01 08:00:00,12,R1\n"  # line 6: not installed
            "RD-B001,active,01/02/2026,12,R1\n"  # line 7: not a date
            "RD-B001,demand,2026-02-01 08:00:00,12,R1\n"  # line 8: no such register
            "RD-B001,active,2026-02-01 08:00:00,15.5,R1\n"  # line 9: valid
        )
        before = self.env["meter.reading"].search_count([])
        wizard = self._import(text)
        self.assertEqual(self.env["meter.reading"].search_count([]), before)
        self.assertEqual((wizard.created_count, wizard.rejected_count), (0, 6))
        lines = wizard.report.splitlines()
        self.assertIn("Nothing was saved", lines[0])
        self.assertEqual(
            lines[1:],
            [
                "Line 3: meter NOPE-1 does not exist",
                "Line 4: value twelve is not a number",
                "Line 5: date 2099-02-01 08:00:00 is in the future",
                "Line 6: meter RD-S001 is not installed at a service point on 2026-02-01 08:00:00",
                "Line 7: date 01/02/2026 is not a date (YYYY-MM-DD HH:MM:SS)",
                "Line 8: meter RD-B001 has no demand register",
            ],
        )
        # asked to keep the valid rows: the two valid ones are saved
        wizard = self._import(text, keep_valid=True)
        self.assertEqual((wizard.created_count, wizard.rejected_count), (2, 6))
        saved = self.env["meter.reading"].search([("reader_code", "=", "R1")])
        self.assertEqual(sorted(saved.mapped("consumption")), [5.5, 950 * 40])
        self.assertEqual(set(saved.mapped("source")), {"file"})

    def test_file_import_gives_the_same_figures_as_the_orm(self):
        rows = [
            ("RD-A001", "active", "2026-02-01 08:00:00", "99950"),
            ("RD-A001", "active", "2026-03-01 08:00:00", "30"),  # rollover: 80
            ("RD-A001", "active", "2026-04-01 08:00:00", "20000"),
            ("RD-A001", "active", "2026-05-01 08:00:00", "10000"),  # implausible wrap
            ("RD-A001", "active", "2026-06-01 08:00:00", "123456"),  # does not fit 5 digits
            ("RD-A001", "reactive", "2026-02-01 08:00:00", "612,25"),
            ("RD-A001", "reactive", "2026-03-01 08:00:00", "700.125"),
            ("RD-A001", "demand", "2026-02-01 08:00:00", "12.3456"),
            ("RD-A001", "demand", "2026-03-01 08:00:00", "0.5"),
            ("RD-B001", "active", "2026-02-01 08:00:00", "10.1"),
            # the same time twice would be a conflict (one reading per meter, register, time)
            ("RD-B001", "active", "2026-02-01 08:30:00", "10.3"),
            ("RD-B001", "active", "2026-03-01 08:00:00", "99999.9"),  # anomaly? no: plain rise
        ]
        text = HEADER + "".join(f'{m},{r},{d},"{v}",X\n' for m, r, d, v in rows)
        self.assertEqual(self._import(text).created_count, len(rows))
        imported = self.env["meter.reading"].search([("reader_code", "=", "X")])
        by_sql = self._figures(imported)
        self.assertEqual(imported.mapped("anomaly").count("below_previous"), 1)
        self.assertEqual(imported.mapped("anomaly").count("out_of_range"), 1)
        self.assertEqual(by_sql[("RD-A001", "active", "2026-03-01 08:00:00", 30)][3], 80 * 40)
        imported.unlink()
        created = self.field_env["meter.reading"].create(
            [
                {
                    "lot_id": self._meters(m).id,
                    "register_type": r,
                    "reading_date": d,
                    "value": float(v.replace(",", ".")),
                    "reader_code": "X",
                }
                for m, r, d, v in rows
            ]
        )
        self.assertEqual(by_sql, self._figures(created))

    def test_backdated_file_recomputes_the_chain(self):
        later = self.field_env["meter.reading"].create(
            {
                "lot_id": self.meter_b.id,
                "register_type": "active",
                "reading_date": "2026-04-01 08:00:00",
                "value": 100,
            }
        )
        self.assertEqual(later.units, 90)
        self._import(HEADER + "RD-B001,active,2026-02-01 08:00:00,40,R\n")
        self.assertEqual(self._chain(self.meter_b).mapped("units"), [0, 30, 60])
        self.assertEqual(later.previous_value, 40)

    def test_rpc_batch(self):
        result = self.field_env["meter.reading"].import_readings(
            [
                {
                    "meter_number": "RD-B001",
                    "register_type": "active",
                    "reading_date": "2026-02-01 08:00:00",
                    "value": 25,
                    "reader_code": "R7",
                },
                {
                    "meter_number": "RD-B001",
                    "register_type": "active",
                    "reading_date": "2026-03-01 08:00:00",
                    "value": "x",
                },
            ]
        )
        self.assertFalse(result["saved"])
        self.assertEqual(result["errors"][0]["row"], 2)
        self.assertEqual(result["errors"][0]["message"], "value x is not a number")
        result = self.field_env["meter.reading"].import_readings(
            [["RD-B001", "active", "2026-02-01 08:00:00", 25, "R7"]]
        )
        self.assertEqual((result["created"], result["saved"]), (1, True))
        reading = self._chain(self.meter_b)[-1]
        self.assertEqual((reading.source, reading.reader_code, reading.units), ("rpc", "R7", 15))

    def test_standard_import_load(self):
        result = self.field_env["meter.reading"].load(
            ["lot_id", "register_type", "reading_date", "value", "reader_code"],
            [["RD-B001", "active", "2026-02-01 08:00:00", "20", "L1"]],
        )
        self.assertFalse(result["messages"])
        reading = self.env["meter.reading"].browse(result["ids"])
        self.assertEqual((reading.service_point_id, reading.units), (self.point_b, 10))

    def test_meter_user_cannot_import(self):
        with self.assertRaises(AccessError):
            self._env_as(self.meter_user)["meter.reading"].import_readings(
                [["RD-B001", "active", "2026-02-01 08:00:00", 25, "R7"]]
            )
