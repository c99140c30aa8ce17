from odoo import Command
from odoo.tests import new_test_user

from .common import MeterCommon

# installation on 1 January, then a reading every 30 days
DATES = [
    "2026-01-31 08:00:00",
    "2026-03-02 08:00:00",
    "2026-04-01 08:00:00",
    "2026-05-01 08:00:00",
]


class AnomalyCommon(MeterCommon):
    """Meters installed at their own service points on 1 January 2026 (initial reading
    10), a billing clerk, and helpers to import readings and read the anomalies found."""

    METERS = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_clerk = new_test_user(
            cls.env,
            "mm_billing",
            groups="meter_management.group_meter_billing",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.meters, cls.points = {}, {}
        for number, product_attr in cls.METERS:
            lot = cls._create_meter(number, product=getattr(cls, product_attr))
            point = cls._create_service_point()
            values = {("initial", reg.register_type): 10 for reg in lot.meter_register_ids}
            cls._run_installation_wizard(
                cls, "install", point, "2026-01-01 08:00:00", values, new_lot=lot
            )
            cls.meters[number], cls.points[number] = lot, point
        cls.field_env = cls._env_as(cls.field_technician)
        cls.billing_env = cls._env_as(cls.billing_clerk)

    def _import(self, rows, keep_valid=False, env=None):
        """Import ``rows`` ``(meter, register, date, value[, reader code[, kind]])`` by RPC
        as the field technician; returns the report."""
        return (env or self.field_env)["meter.reading"].import_readings(
            [list(row) for row in rows], keep_valid=keep_valid
        )

    def _found(self, number):
        """``{(type code, reading value)}`` of the anomalies of meter ``number``."""
        anomalies = self.env["meter.anomaly"].search([("lot_id", "=", self.meters[number].id)])
        return {(anomaly.type_id.code, anomaly.reading_value) for anomaly in anomalies}

    @classmethod
    def _type(cls, code):
        return cls.env["meter.anomaly.type"].search([("code", "=", code)], limit=1)
