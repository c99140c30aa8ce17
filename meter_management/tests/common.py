import io
import json

import PyPDF2

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

# meters of the tests that date installations and readings in 2026 are received before then
METERS_RECEIVED_ON = "2025-12-01 12:00:00"


class MeterCommon(TransactionCase):
    """Stores, meter types and users of every role, built once for the test class.

    Tests never rely on demo data: everything they use is made here.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a utility of its own, so that nothing of the demo data (same meter numbers) interferes
        cls.company = cls.env["res.company"].create({"name": "Test Utility"})
        # its days are UTC days (test_time_zones tries another time zone)
        cls.company.partner_id.tz = "UTC"
        cls.env.user.company_ids |= cls.company
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=True,
                mail_notrack=True,
                allowed_company_ids=[cls.company.id],
            )
        )
        cls.use_residential = cls.env["meter.use.type"].create(
            {"name": "Residential (test)", "code": "T-RES"}
        )
        cls.use_industrial = cls.env["meter.use.type"].create(
            {"name": "Industrial (test)", "code": "T-IND"}
        )
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Meter Works Ltd", "is_company": True}
        )
        cls.central = cls._create_store("Central (test)", "TCEN", "central")
        cls.regional = cls._create_store("Regional (test)", "TREG", "regional")
        cls.laboratory = cls._create_store("Laboratory (test)", "TLAB", "laboratory")
        cls.single_phase = cls._create_meter_type(
            "Single-phase (test)",
            registers=[{"register_type": "active", "digits": 5, "decimals": 1}],
            use_type=cls.use_residential,
            validity_months=96,
        )
        cls.ct_meter = cls._create_meter_type(
            "CT meter 200/5 (test)",
            registers=[
                {"register_type": "active", "digits": 5, "decimals": 2, "sequence": 1},
                {"register_type": "reactive", "digits": 5, "decimals": 2, "sequence": 2},
                {"register_type": "demand", "digits": 3, "decimals": 3, "sequence": 3},
            ],
            use_type=cls.use_industrial,
            validity_months=60,
            ct=(200, 5),
        )
        group_ids = {
            role: cls.env.ref(f"meter_management.group_meter_{role}").id
            for role in ("user", "storekeeper", "laboratory", "field", "manager")
        }
        cls.meter_user = new_test_user(
            cls.env,
            "mm_user",
            groups="meter_management.group_meter_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.storekeeper = new_test_user(
            cls.env,
            "mm_storekeeper",
            groups="meter_management.group_meter_storekeeper",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.lab_technician = new_test_user(
            cls.env,
            "mm_lab",
            groups="meter_management.group_meter_laboratory",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.field_technician = new_test_user(
            cls.env,
            "mm_field",
            groups="meter_management.group_meter_field",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.meter_manager = new_test_user(
            cls.env,
            "mm_manager",
            groups="meter_management.group_meter_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.role_group_ids = group_ids

    @classmethod
    def _create_store(cls, name, code, role, company=None):
        return cls.env["stock.warehouse"].create(
            {
                "name": name,
                "code": code,
                "meter_role": role,
                "company_id": (company or cls.env.company).id,
            }
        )

    @classmethod
    def _create_meter_type(
        cls, name, registers, use_type=None, validity_months=0, ct=(1, 1), pt=(1, 1), **vals
    ):
        return cls.env["product.product"].create(
            {
                "name": name,
                "is_meter": True,
                "meter_manufacturer_id": cls.supplier.id,
                "meter_model": name[:10],
                "meter_use_type_id": use_type.id if use_type else False,
                "meter_calibration_validity_months": validity_months,
                "meter_ct_primary": ct[0],
                "meter_ct_secondary": ct[1],
                "meter_pt_primary": pt[0],
                "meter_pt_secondary": pt[1],
                "meter_register_template_ids": [Command.create(vals) for vals in registers],
                **vals,
            }
        )

    @classmethod
    def _register_range(
        cls, first, last=None, quantity=None, product=None, store=None, user=None, **vals
    ):
        """Register meters through the registration wizard; returns the wizard's result."""
        env = cls._env_as(user) if user else cls.env
        return env["meter.range.registration"].register_range(
            {
                "product_id": (product or cls.single_phase).id,
                "first_number": first,
                "last_number": last,
                "quantity": quantity or 0,
                "warehouse_id": (store or cls.central).id,
                "partner_id": cls.supplier.id,
                **vals,
            }
        )

    @classmethod
    def _env_as(cls, user):
        """The environment of ``user``, in the companies that user may work in."""
        return cls.env(
            user=user,
            context=dict(cls.env.context, allowed_company_ids=user.company_ids.ids),
        )

    @classmethod
    def _create_meter(cls, number, product=None, store=None, **vals):
        """Register one meter into a store (default: the central store); returns the lot."""
        cls._register_range(number, number, product=product, store=store, **vals)
        return cls._meters(number)

    @classmethod
    def _meters(cls, *numbers):
        return cls.env["stock.lot"].search(
            [
                ("is_meter", "=", True),
                ("company_id", "=", cls.company.id),
                ("name", "in", list(numbers)),
            ],
            order="name",
        )

    @classmethod
    def _transfer(cls, lots, dest_location):
        """Move meters with Odoo's own internal transfer, naming each meter; returns the
        done picking(s)."""
        return lots._move_meters_to(dest_location)

    def _render_pdf_text(self, report_ref, res_ids, data=None, env=None):
        """Render a QWeb report to PDF with wkhtmltopdf and return the text of its pages.

        The page's style sheets are not fetched: during the post-install run the server that
        would serve them waits on this very test (Odoo holds the registry lock), and with them
        wkhtmltopdf embeds the web fonts as glyphs whose text PyPDF2 cannot read. The
        content checked here — the QWeb output laid out by wkhtmltopdf — is the same.
        """
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        pdf, _type = (
            (env or self.env)["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, res_ids, data=data)
        )
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf did not produce a PDF")
        reader = PyPDF2.PdfReader(io.BytesIO(pdf))
        return "\n".join(page.extract_text() for page in reader.pages)

    def _render_action_pdf_text(self, action, env=None):
        """Render a report action as the web client does (``getReportUrl``): with ``data``, it
        sends the data through JSON and no record ids; without, the ``active_ids``."""
        if action.get("data"):
            res_ids, data = None, json.loads(json.dumps(action["data"]))
        else:
            res_ids, data = action["context"]["active_ids"], None
        return self._render_pdf_text(action["report_name"], res_ids, data=data, env=env)

    def _quantity_in(self, location, lots):
        """On-hand quantity of ``lots`` in ``location`` (children included), from the quants."""
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids), ("location_id", "child_of", location.id)]
        )
        return sum(quants.mapped("quantity"))

    @classmethod
    def _create_service_point(cls, **vals):
        return cls.env["meter.service.point"].create(
            {"partner_id": cls.supplier.id, "use_type_id": cls.use_residential.id, **vals}
        )

    def _run_installation_wizard(self, operation, point, date, values=None, new_lot=None, **vals):
        """Install / remove / exchange through the wizard as the field technician.

        ``values``: ``{(role, register_type): value}`` with role "final" or "initial";
        returns the wizard."""
        env = self._env_as(vals.pop("user", self.field_technician))
        wizard = env["meter.installation.wizard"].create(
            {
                "operation": operation,
                "service_point_id": point.id,
                "date": date,
                "new_lot_id": new_lot.id if new_lot else False,
                **vals,
            }
        )
        for line in wizard.line_ids:
            line.value = (values or {}).get((line.role, line.register_type), 0.0)
        wizard.action_confirm()
        return wizard
