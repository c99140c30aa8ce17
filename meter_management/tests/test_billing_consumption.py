import base64
import csv
import io

from freezegun import freeze_time
from lxml import etree

from odoo.tests import Form, tagged

from .common import METERS_RECEIVED_ON, MeterCommon


@tagged("post_install", "-at_install")
class TestBillingConsumption(MeterCommon):
    """Billing consumption across exchanges, each segment with its own multiplier.

    Meter A: CT 200/5, multiplier 40; meter B: CT 100/5, multiplier 20; meter D: 40.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # received before the installations the tests date in 2026
        with freeze_time(METERS_RECEIVED_ON):
            cls.meter_a = cls._create_meter("BL-A001", product=cls.ct_meter)
            cls.meter_b = cls._create_meter(
                "BL-B001",
                product=cls.ct_meter,
                ct_primary=100,
                ct_secondary=5,
                pt_primary=1,
                pt_secondary=1,
            )
            cls.meter_d = cls._create_meter("BL-D001", product=cls.ct_meter)
        cls.point = cls._create_service_point(contract_ref="C-100")
        cls.Point = cls.env["meter.service.point"]

    def setUp(self):
        super().setUp()
        self._run_installation_wizard(
            "install",
            self.point,
            "2026-01-15 10:00:00",
            {("initial", "active"): 1000, ("initial", "reactive"): 500, ("initial", "demand"): 0},
            new_lot=self.meter_a,
        )
        self._read(self.meter_a, "2026-02-28 23:00:00", active=1200, reactive=560, demand=12.5)

    def _read(self, lot, date, **values):
        return self._env_as(self.field_technician)["meter.reading"].create(
            [
                {"lot_id": lot.id, "register_type": rtype, "reading_date": date, "value": value}
                for rtype, value in values.items()
            ]
        )

    def _exchange(self, date, new_lot, final, initial):
        values = {("final", rtype): value for rtype, value in final.items()}
        values.update({("initial", rtype): value for rtype, value in initial.items()})
        self._run_installation_wizard("exchange", self.point, date, values, new_lot=new_lot)

    def _billing(self, date_from, date_to):
        rows = self.Point.get_billing_consumption(date_from, date_to, [self.point.name])
        return {row["register_type"]: row for row in rows}

    def _totals(self, date_from, date_to):
        return {
            rtype: row["consumption"] for rtype, row in self._billing(date_from, date_to).items()
        }

    def test_exchange_mid_period(self):
        self._exchange(
            "2026-03-16 09:00:00",
            self.meter_b,
            final={"active": 1250.5, "reactive": 580, "demand": 14.2},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._read(self.meter_b, "2026-03-31 20:00:00", active=420, reactive=130, demand=30.1)
        billing = self._billing("2026-03-01", "2026-03-31")
        # by hand: A (1250.5 − 1200) × 40 + B (420 − 300) × 20 = 2020 + 2400
        self.assertEqual(billing["active"]["consumption"], 4420)
        # A (580 − 560) × 40 + B (130 − 100) × 20 = 800 + 600
        self.assertEqual(billing["reactive"]["consumption"], 1400)
        # demand is not summed: max(14.2 × 40, 30.1 × 20) = max(568, 602)
        self.assertEqual(billing["demand"]["consumption"], 602)
        segment_a, segment_b = billing["active"]["segments"]
        self.assertEqual(
            (
                segment_a["meter_number"],
                segment_a["opening_value"],
                segment_a["opening_date"],
                segment_a["closing_value"],
                segment_a["closing_date"],
                segment_a["multiplier"],
                segment_a["units"],
                segment_a["consumption"],
            ),
            ("BL-A001", 1200, "2026-02-28 23:00:00", 1250.5, "2026-03-16 09:00:00", 40, 50.5, 2020),
        )
        self.assertEqual(
            (
                segment_b["meter_number"],
                segment_b["opening_value"],
                segment_b["closing_value"],
                segment_b["multiplier"],
                segment_b["consumption"],
            ),
            ("BL-B001", 300, 420, 20, 2400),
        )
        # the months around: nothing lost, nothing counted twice
        self.assertEqual(self._totals("2026-02-01", "2026-02-28")["active"], 200 * 40)
        self.assertEqual(self._totals("2026-01-01", "2026-03-31")["active"], 200 * 40 + 4420)

    def test_rollover_in_period(self):
        self._read(self.meter_a, "2026-03-10 08:00:00", active=99950)
        self._read(self.meter_a, "2026-04-10 08:00:00", active=30)
        active = self._billing("2026-04-01", "2026-04-30")["active"]
        self.assertEqual(active["consumption"], 80 * 40)
        self.assertEqual(active["segments"][0]["rollovers"], 1)

    def test_implausible_wrap_is_flagged_in_the_billing(self):
        self._read(self.meter_a, "2026-03-10 08:00:00", active=99950)
        reading = self._read(self.meter_a, "2026-04-10 08:00:00", active=60000)
        self.assertEqual(reading.anomaly, "below_previous")
        active = self._billing("2026-04-01", "2026-04-30")["active"]
        self.assertEqual(active["consumption"], 0)
        self.assertEqual(active["segments"][0]["anomalies"], 1)

    def test_two_exchanges_in_one_period(self):
        self._exchange(
            "2026-03-10 09:00:00",
            self.meter_b,
            final={"active": 1220, "reactive": 565, "demand": 10},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._exchange(
            "2026-03-20 09:00:00",
            self.meter_d,
            final={"active": 350, "reactive": 110, "demand": 40},
            initial={"active": 5000, "reactive": 2000, "demand": 0},
        )
        self._read(self.meter_d, "2026-03-31 20:00:00", active=5010, reactive=2003, demand=7)
        billing = self._billing("2026-03-01", "2026-03-31")
        # A: 20 × 40, B: 50 × 20, D: 10 × 40
        self.assertEqual(billing["active"]["consumption"], 800 + 1000 + 400)
        self.assertEqual(
            [s["meter_number"] for s in billing["active"]["segments"]],
            ["BL-A001", "BL-B001", "BL-D001"],
        )
        # reactive: 5 × 40 + 10 × 20 + 3 × 40; demand: max(400, 800, 280)
        self.assertEqual(billing["reactive"]["consumption"], 200 + 200 + 120)
        self.assertEqual(billing["demand"]["consumption"], 800)

    def test_exchange_on_first_day_of_period(self):
        self._exchange(
            "2026-03-01 00:00:00",
            self.meter_b,
            final={"active": 1210, "reactive": 560, "demand": 1},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._read(self.meter_b, "2026-03-31 20:00:00", active=420, reactive=100, demand=1)
        self.assertEqual(self._totals("2026-02-01", "2026-02-28")["active"], 200 * 40)
        self.assertEqual(self._totals("2026-03-01", "2026-03-31")["active"], 10 * 40 + 120 * 20)

    def test_exchange_on_last_day_of_period(self):
        self._exchange(
            "2026-03-31 22:00:00",
            self.meter_b,
            final={"active": 1300, "reactive": 560, "demand": 1},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._read(self.meter_b, "2026-04-30 20:00:00", active=350, reactive=100, demand=1)
        march = self._billing("2026-03-01", "2026-03-31")["active"]
        self.assertEqual(march["consumption"], 100 * 40)
        self.assertEqual(len(march["segments"]), 2)
        self.assertEqual(march["segments"][1]["consumption"], 0)
        april = self._billing("2026-04-01", "2026-04-30")["active"]
        self.assertEqual(april["consumption"], 50 * 20)
        self.assertEqual([s["meter_number"] for s in april["segments"]], ["BL-B001"])

    def test_list_pivot_and_csv_export(self):
        self._exchange(
            "2026-03-16 09:00:00",
            self.meter_b,
            final={"active": 1250.5, "reactive": 580, "demand": 14.2},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._read(self.meter_b, "2026-03-31 20:00:00", active=420, reactive=130, demand=30.1)
        env = self._env_as(self.meter_user)
        form = Form(env["meter.billing.consumption"])
        form.date_from = "2026-03-01"
        form.date_to = "2026-03-31"
        wizard = form.save()
        action = wizard.action_compute()
        lines = env[action["res_model"]].search(action["domain"])
        self.assertEqual(len(lines), 6)
        groups = env["meter.billing.consumption.line"]._read_group(
            action["domain"], ["register_type"], ["energy:sum", "demand:max"]
        )
        self.assertEqual(
            {rtype: (energy, demand) for rtype, energy, demand in groups},
            {"active": (4420, 0), "reactive": (1400, 0), "demand": (0, 602)},
        )
        export = wizard.action_export_csv()
        attachment = env["ir.attachment"].browse(int(export["url"].split("/")[3].split("?")[0]))
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode())))
        totals = {row[2]: row[10] for row in rows[1:] if row[3] == "TOTAL"}
        self.assertEqual(totals, {"active": "4420.0", "reactive": "1400.0", "demand": "602.0"})
        self.assertIn(
            [self.point.name, "C-100", "active", "BL-A001", "2026-02-28 23:00:00", "1200.0"],
            [row[:6] for row in rows],
        )

    def test_list_group_rows_as_the_web_client_reads_them(self):
        """The list's group rows, read as the web client reads them (``web_read_group`` with the
        aggregates of the list's columns): consumption per unit, no sum of readings."""
        self._exchange(
            "2026-03-16 09:00:00",
            self.meter_b,
            final={"active": 1250.5, "reactive": 580, "demand": 14.2},
            initial={"active": 300, "reactive": 100, "demand": 0},
        )
        self._read(self.meter_b, "2026-03-31 20:00:00", active=420, reactive=130, demand=30.1)
        env = self._env_as(self.meter_user)
        form = Form(env["meter.billing.consumption"])
        form.date_from = "2026-03-01"
        form.date_to = "2026-03-31"
        action = form.save().action_compute()
        Line = env[action["res_model"]]
        views = Line.get_views([(False, "list"), (False, "search")])
        arch = etree.fromstring(views["views"]["list"]["arch"])
        fields = views["models"][Line._name]["fields"]
        columns = {node.get("name"): node for node in arch.iter("field")}
        aggregates = [
            f"{name}:{fields[name]['aggregator']}"
            for name in columns
            if fields[name].get("aggregator") and name != "service_point_id"
        ]
        # groups open expanded, by service point then register (the action's search defaults)
        self.assertEqual(arch.get("expand"), "1")
        self.assertTrue(action["context"].get("search_default_group_point"))
        self.assertTrue(action["context"].get("search_default_group_register"))
        result = Line.web_read_group(action["domain"], aggregates, ["service_point_id"])
        (group,) = result["groups"]
        for reading in ("opening_value", "closing_value", "multiplier", "units"):
            self.assertNotIn(reading, group)
        self.assertEqual(group["active_energy"], 4420)
        self.assertEqual(group["reactive_energy"], 1400)
        self.assertEqual(group["demand"], 602)
        # each row shows its unit; an energy row has no demand cell, a demand row no energy
        lines = Line.search(action["domain"])
        self.assertEqual(
            {(line.register_type, line.unit) for line in lines},
            {("active", "kWh"), ("reactive", "kvarh"), ("demand", "kW")},
        )
        self.assertIn("unit", columns)
        self.assertEqual(columns["demand"].get("invisible"), "register_type != 'demand'")
        self.assertEqual(columns["active_energy"].get("invisible"), "register_type != 'active'")
        self.assertNotIn("energy", columns)
