from datetime import date

from freezegun import freeze_time

from odoo.addons.meter_management.tests.common import MeterCommon
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCalibrationQueue(MeterCommon):
    """The inquiry "meters waiting for calibration" against a fixture counted by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        due = {
            # central store, residential (single-phase)
            "70001": date(2025, 12, 31),  # before the year
            "70002": date(2026, 1, 1),  # first day of the year
            "70003": date(2026, 1, 20),
            "70004": date(2026, 3, 14),
            "70005": date(2026, 3, 15),
            "70006": date(2026, 12, 31),  # last day of the year
            "70007": date(2027, 1, 1),  # after the year
            "70008": date(2026, 5, 5),  # rejected: out of service, never counted
            # central store, industrial (CT meters)
            "71001": date(2026, 3, 20),
            "71002": date(2026, 10, 21),
            # regional store, residential
            "72001": date(2026, 1, 5),
            "72002": date(2026, 10, 20),
        }
        cls.single_phase.meter_accuracy_class = "1"
        cls._register_range("70001", "70008")
        cls._register_range("71001", "71002", product=cls.ct_meter)
        cls._register_range("72001", "72002", store=cls.regional)
        for number, due_date in due.items():
            cls._meters(number).meter_next_calibration_date = due_date
        cls._meters("70008")._move_meters_to(cls.central.meter_rejected_location_id)
        # waiting in the laboratory, by date of arrival (never verified: no due date)
        cls._register_range("73001", "73004")
        cls._register_range("73101", product=cls.ct_meter, quantity=1)
        queue = cls.laboratory.meter_lab_queue_location_id
        with freeze_time("2026-02-10 09:00:00"):
            cls._meters("73001", "73002")._move_meters_to(queue)
        with freeze_time("2026-02-11 09:00:00"):
            cls._meters("73004")._move_meters_to(queue)
        with freeze_time("2026-10-21 09:00:00"):
            cls._meters("73101")._move_meters_to(queue)
        # 73004 was tested after it arrived (failed, kept for repair): no longer waiting
        cls.env["meter.calibration"]._record_batch(
            cls.laboratory,
            date(2026, 2, 12),
            "periodic",
            [{"lot": cls._meters("73004"), "as_found": 5.0}],
        )
        # 73003 stays in the central store, never verified: neither due nor waiting

    def _wizard(self, user=None, **vals):
        env = self._env_as(user or self.meter_user)
        return env["meter.calibration.queue.wizard"].create({"year": 2026, **vals})

    def _by_month(self, wizard):
        return {
            row["month"].month: (row["forecast"], row["waiting"])
            for row in wizard._get_month_rows()
            if row["forecast"] or row["waiting"]
        }

    def test_whole_year_every_store(self):
        wizard = self._wizard()
        self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 1, 1), date(2026, 12, 31)))
        self.assertEqual(
            self._by_month(wizard),
            {1: (3, 0), 2: (0, 2), 3: (3, 0), 10: (2, 1), 12: (1, 0)},
        )

    def test_store_type_of_use_and_interval_edges(self):
        wizard = self._wizard(
            date_from="2026-03-15",
            date_to="2026-12-31",
            warehouse_ids=[self.central.id],
            use_type_ids=[self.use_residential.id],
        )
        self.assertEqual(self._by_month(wizard), {3: (1, 0), 12: (1, 0)})
        wizard = self._wizard(
            date_from="2026-01-01", date_to="2026-10-20", use_type_ids=[self.use_industrial.id]
        )
        self.assertEqual(self._by_month(wizard), {3: (1, 0)})
        wizard = self._wizard(
            date_from="2026-01-01", date_to="2026-10-21", use_type_ids=[self.use_industrial.id]
        )
        self.assertEqual(self._by_month(wizard), {3: (1, 0), 10: (1, 1)})
        wizard = self._wizard(warehouse_ids=[self.laboratory.id, self.regional.id])
        self.assertEqual(self._by_month(wizard), {1: (1, 0), 2: (0, 2), 10: (1, 1)})

    def test_interval_must_lie_within_the_year(self):
        with self.assertRaises(ValidationError):
            self._wizard(date_from="2025-12-31")
        with self.assertRaises(ValidationError):
            self._wizard(date_from="2026-05-01", date_to="2026-04-30")

    def test_graph_and_list_actions(self):
        wizard = self._wizard(warehouse_ids=[self.central.id])
        action = wizard.action_open_graph()
        self.assertEqual(action["views"][0][1], "graph")
        self.assertEqual(wizard.action_open_list()["views"][0][1], "list")
        report = self.env(user=self.meter_user)["meter.calibration.queue.report"]
        groups = report._read_group(
            action["domain"], ["date:month", "measure"], ["meter_count:sum"]
        )
        self.assertEqual(
            {(month.month, measure): count for month, measure, count in groups},
            {(1, "forecast"): 2, (3, "forecast"): 3, (10, "forecast"): 1, (12, "forecast"): 1},
        )

    def test_graph_and_list_show_every_month_and_the_criteria(self):
        wizard = self._wizard(
            warehouse_ids=[self.central.id], use_type_ids=[self.use_residential.id]
        )
        action = wizard.action_open_graph()
        self.assertEqual(
            action["name"],
            "Meters waiting for calibration 2026 — Central (test) — Residential (test)",
        )
        # the graph reads as the web client does: its context over fill_temporal=True
        report = self._env_as(self.meter_user)["meter.calibration.queue.report"]
        graph = report.with_context(**{"fill_temporal": True, **action["context"]}).web_read_group(
            action["domain"], ["meter_count:sum"], ["date:month", "measure"], lazy=False
        )
        bars = [
            (group["date:month"], group["measure"], group["meter_count"])
            for group in graph["groups"]
        ]
        self.assertEqual(
            [month for month, _measure, _count in bars if _count or _measure == "forecast"],
            [
                "January 2026",
                "February 2026",
                "March 2026",
                "April 2026",
                "May 2026",
                "June 2026",
                "July 2026",
                "August 2026",
                "September 2026",
                "October 2026",
                "November 2026",
                "December 2026",
            ],
        )
        self.assertEqual({measure for _month, measure, _count in bars}, {"forecast"})
        self.assertEqual(
            [count for _month, _measure, count in bars], [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        )
        # the list, grouped by month
        action = wizard.action_open_list()
        listed = report.with_context(**action["context"]).web_read_group(
            action["domain"], ["forecast_count:sum", "waiting_count:sum"], ["date:month"]
        )
        self.assertEqual(len(listed["groups"]), 12)
        self.assertEqual(
            [group["forecast_count"] for group in listed["groups"]],
            [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        )

    def test_printed_title_names_the_criteria(self):
        wizard = self._wizard(warehouse_ids=[self.central.id, self.regional.id])
        action = wizard.with_env(self._env_as(self.meter_user)).action_print()
        text = " ".join(
            self._render_pdf_text(action["report_name"], action["context"]["active_ids"]).split()
        )
        self.assertIn(
            "Meters waiting for calibration 2026 — Central (test), Regional (test) — all types "
            "of use",
            text,
        )

    def test_access(self):
        # every meter user reads the inquiry; people outside the meter groups do not
        self._wizard(user=self.meter_user)._get_month_rows()
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "mm_outsider",
                "company_id": self.company.id,
                "company_ids": [self.company.id],
            }
        )
        with self.assertRaises(AccessError):
            self.env(user=outsider)["meter.calibration.queue.report"].search([])

    def test_printed_report(self):
        wizard = self._wizard()
        text = " ".join(
            self._render_pdf_text(
                "meter_management_reports.action_report_meter_calibration_queue", wizard.ids
            ).split()
        )
        for row in (
            "January 2026 3 0 3",
            "February 2026 0 2 2",
            "March 2026 3 0 3",
            "April 2026 0 0 0",
            "October 2026 2 1 3",
            "December 2026 1 0 1",
            "Year 2026 9 3 12",
        ):
            self.assertIn(row, text)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "meter_management_reports.action_report_meter_calibration_queue", wizard.ids
            )[0]
            .decode()
        )
        self.assertEqual(
            html.count("background-color: #1f77b4; height: 180px"), 2, "Jan and Mar: top"
        )
        self.assertEqual(html.count("background-color: #ff7f0e; height: 120px"), 1, "Feb: 2 of 3")

    def test_wizard_form(self):
        form = Form(self.env(user=self.meter_user)["meter.calibration.queue.wizard"])
        form.year = 2027
        self.assertEqual(form.date_from, date(2027, 1, 1))
        self.assertEqual(form.date_to, date(2027, 12, 31))


@tagged("post_install", "-at_install")
class TestCalibrationQueueTour(MeterCommon, HttpCase):
    def test_calibration_queue_tour(self):
        self._register_range("74001", "74003")
        self._register_range("74101", store=self.regional, quantity=1)
        for number, due_date in (
            ("74001", date(2026, 1, 15)),
            ("74002", date(2026, 3, 2)),
            ("74003", date(2026, 3, 31)),
            ("74101", date(2026, 6, 1)),
        ):
            self._meters(number).meter_next_calibration_date = due_date
        self.start_tour(
            "/odoo/action-meter_management_reports.meter_calibration_queue_wizard_action",
            "meter_calibration_queue_tour",
            login=self.meter_user.login,
        )
