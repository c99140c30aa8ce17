from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_anomaly import DATES, AnomalyCommon


def history(number, last, register="active"):
    """Three readings of 100 units every 30 days, then ``last``: 300 units over 90 days,
    so 100 expected in the 30 days before ``last``."""
    return [
        (number, register, date, value)
        for date, value in zip(DATES, (110, 210, 310, last), strict=True)
    ]


@tagged("post_install", "-at_install")
class TestAnomalyDetection(AnomalyCommon):
    """Each rule through the readings import and one by one, on hand-computed figures at
    the edges of its band; duplicates and conflicts on reimport."""

    METERS = [
        (f"AN-{name}", "single_phase") for name in "H0 H1 L0 L1 Z0 Z1 T1 S1 N1 R1 E1 B1 C1".split()
    ]
    METERS += [("AN-CT1", "ct_meter"), ("AN-ST1", None)]

    @classmethod
    def setUpClass(cls):
        # AN-ST1 stays in the store
        cls.METERS = [meter for meter in cls.METERS if meter[1]]
        super().setUpClass()
        cls.store_meter = cls._create_meter("AN-ST1")
        cls._type("HIGH").write({"band_percent": 100, "band_units": 200})
        cls._type("LOW").write({"band_percent": 50, "band_units": 10})

    def test_high_and_low_against_history_edges(self):
        # expected 100; high above max(200, 300) = 300; low below max(0, min(50, 90)) = 50
        rows = history("AN-H0", 610) + history("AN-H1", 610.1)
        rows += history("AN-L0", 360) + history("AN-L1", 359.9)
        report = self._import(rows)
        self.assertEqual(report["anomalies"], {"HIGH": 1, "LOW": 1})
        self.assertEqual(self._found("AN-H0"), set())
        self.assertEqual(self._found("AN-H1"), {("HIGH", 610.1)})
        self.assertEqual(self._found("AN-L0"), set())
        self.assertEqual(self._found("AN-L1"), {("LOW", 359.9)})
        high = self.env["meter.anomaly"].search([("lot_id", "=", self.meters["AN-H1"].id)])
        self.assertEqual(
            (high.expected_value, high.expected_low, high.expected_high), (100, 50, 300)
        )
        self.assertEqual(high.severity, "warning")
        self.assertEqual(high.service_point_id, self.points["AN-H1"])
        self.assertIn("expects 100", high.message)

    def test_zero_consumption_three_in_a_row_found_once(self):
        self._import(
            [("AN-Z0", "active", date, 10) for date in DATES[:2]]
            + [("AN-Z1", "active", date, 10) for date in DATES]
        )
        self.assertEqual(self._found("AN-Z0"), set())
        zero = self.env["meter.anomaly"].search([("lot_id", "=", self.meters["AN-Z1"].id)])
        self.assertEqual((zero.type_id.code, str(zero.reading_date)), ("ZERO", DATES[2]))

    def test_decreases_misread_negative_rollover(self):
        rows = [
            ("AN-T1", "active", DATES[0], 45100),
            ("AN-T1", "active", DATES[1], 41520),  # 45120 with two digits swapped
            ("AN-S1", "active", DATES[0], 45100),
            ("AN-S1", "active", DATES[1], 43180),  # 45180 with one digit wrong
            ("AN-N1", "active", DATES[0], 45100),
            ("AN-N1", "active", DATES[1], 44100),  # 1000 back: 1% of 100000
            ("AN-R1", "active", DATES[0], 95000),
            ("AN-R1", "active", DATES[1], 30000),  # a wrap of 35000 units
            ("AN-E1", "active", DATES[0], 99950),
            ("AN-E1", "active", DATES[1], 30),  # a plausible rollover: no anomaly
        ]
        report = self._import(rows)
        self.assertEqual(report["anomalies"], {"MISREAD": 2, "NEG": 1, "ROLL": 1}, report)
        misreads = self.env["meter.anomaly"].search(
            [("type_id.code", "=", "MISREAD")], order="reading_value desc"
        )
        self.assertEqual(
            [(m.lot_id.name, m.misread_kind, m.expected_value) for m in misreads],
            [("AN-S1", "digit_slip", 45180), ("AN-T1", "transposition", 45120)],
        )
        self.assertIn("45120 was probably shown", misreads[1].message)
        self.assertEqual(self._found("AN-N1"), {("NEG", 44100)})
        self.assertEqual(self._found("AN-R1"), {("ROLL", 30000)})
        self.assertEqual(self._found("AN-E1"), set())
        self.assertEqual(set(misreads.mapped("severity")), {"block"})

    def test_demand_reactive_out_of_range(self):
        # CT 200/5: multiplier 40; contracted 100 kW + 10%: 110 kW = 2.75 on the register
        self.points["AN-CT1"].contracted_demand = 100
        rows = [
            ("AN-CT1", "demand", DATES[0], 2.75),
            ("AN-CT1", "demand", DATES[1], 2.751),
            # active 100 units = 4000 kWh; reactive 50 units = 2000 kvarh = 50%: allowed
            ("AN-CT1", "active", DATES[0], 110),
            ("AN-CT1", "reactive", DATES[0], 60),
            ("AN-CT1", "active", DATES[1], 210),
            ("AN-CT1", "reactive", DATES[1], 110.01),
            ("AN-CT1", "active", DATES[2], 123456),
        ]
        report = self._import(rows)
        self.assertEqual(report["anomalies"], {"DEMAND": 1, "REACT": 1, "RANGE": 1})
        self.assertEqual(
            self._found("AN-CT1"), {("DEMAND", 2.751), ("REACT", 110.01), ("RANGE", 123456)}
        )
        demand = self.env["meter.anomaly"].search([("type_id.code", "=", "DEMAND")])
        self.assertEqual(demand.expected_high, 110)
        self.assertEqual(demand.message, "Demand 110.04 kW above the maximum 110 kW.")
        reactive = self.env["meter.anomaly"].search([("type_id.code", "=", "REACT")])
        self.assertEqual(
            reactive.message, "Reactive 2000.4 kvarh above 50% of the active 4000 kWh."
        )

    def test_backdated_estimated_reader_codes_not_installed(self):
        self._import([("AN-B1", "active", DATES[2], 300)])
        report = self._import(
            [
                ("AN-B1", "active", DATES[1], 200),  # before the reading of April
                ("AN-C1", "active", DATES[0], 20, "", "estimated"),
                ("AN-C1", "active", DATES[1], 30, "obs", "customer"),  # a code with a reading
                ("AN-C1", "active", DATES[2], 40, "", "estimated"),
                ("AN-E1", "active", DATES[0], "", "NA"),  # a code instead of a reading
                ("AN-ST1", "active", DATES[0], 5),  # not installed: refused
            ],
            keep_valid=True,
        )
        self.assertEqual(report["created"], 4)
        self.assertEqual(report["rejected"], 1)
        self.assertIn("AN-ST1 is not installed", report["errors"][0]["message"])
        self.assertEqual(report["anomalies"], {"BACK": 1, "EST": 1, "OBS": 1, "NA": 1, "NOINST": 1})
        self.assertEqual(self._found("AN-B1"), {("BACK", 200)})
        self.assertEqual(self._found("AN-C1"), {("OBS", 30), ("EST", 40)})
        no_access = self.env["meter.anomaly"].search([("type_id.code", "=", "NA")])
        self.assertFalse(no_access.reading_id)
        self.assertEqual(no_access.service_point_id, self.points["AN-E1"])
        self.assertEqual(str(no_access.reading_date), DATES[0])
        not_installed = self.env["meter.anomaly"].search([("type_id.code", "=", "NOINST")])
        self.assertEqual(not_installed.lot_id, self.store_meter)
        self.assertFalse(
            self.env["meter.reading"].search(
                [("lot_id", "=", self.meters["AN-E1"].id), ("kind", "!=", "installation")]
            )
        )

    def test_one_by_one_runs_the_same_rules(self):
        Reading = self.field_env["meter.reading"]
        rows = [
            *history("AN-H1", 610.1),
            ("AN-T1", "active", DATES[0], 45100),
            ("AN-T1", "active", DATES[1], 41520),
        ]
        for meter, register, date, value in rows:
            Reading.create(
                {
                    "lot_id": self.meters[meter].id,
                    "register_type": register,
                    "reading_date": date,
                    "value": value,
                }
            )
        Reading.create(
            {
                "lot_id": self.meters["AN-C1"].id,
                "register_type": "active",
                "reading_date": DATES[0],
                "value": 20,
                "reader_code": "DMG",
            }
        )
        self.assertEqual(self._found("AN-H1"), {("HIGH", 610.1)})
        self.assertEqual(self._found("AN-T1"), {("MISREAD", 41520)})
        self.assertEqual(self._found("AN-C1"), {("DMG", 20)})

    def test_reimport_adds_nothing_and_conflicts_are_refused(self):
        rows = history("AN-H1", 610.1)
        first = self._import(rows)
        self.assertEqual((first["created"], first["duplicates"]), (4, 0))
        count = self.env["meter.reading"].search_count([])
        again = self._import([*rows, rows[0]])
        self.assertEqual((again["created"], again["duplicates"], again["rejected"]), (0, 5, 0))
        self.assertEqual(self.env["meter.reading"].search_count([]), count)
        self.assertEqual(self._found("AN-H1"), {("HIGH", 610.1)})
        # another value for a saved time, and two values for one time in the file
        conflict = self._import(
            [
                ("AN-H1", "active", DATES[0], 111),
                ("AN-H0", "active", DATES[0], 110),
                ("AN-H0", "active", DATES[0], 112),
            ]
        )
        self.assertFalse(conflict["saved"])
        self.assertEqual([error["row"] for error in conflict["errors"]], [1, 2, 3])
        self.assertIn(
            "meter AN-H1 has another active reading on 2026-01-31 08:00:00 than 111",
            conflict["errors"][0]["message"],
        )
        self.assertEqual(self.env["meter.reading"].search_count([]), count)
        # one by one: refused with the meter's number
        with self.assertRaisesRegex(UserError, "AN-H1 already has a reading"):
            self.field_env["meter.reading"].create(
                {
                    "lot_id": self.meters["AN-H1"].id,
                    "register_type": "active",
                    "reading_date": DATES[0],
                    "value": 111,
                }
            )
