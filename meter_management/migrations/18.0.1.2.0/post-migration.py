"""Registers keep their audit columns again (18.0.1.2.0): the web client's check of
concurrent edits reads ``write_date``. The ORM re-creates the columns empty; registers made
before take their meter's dates and users."""

from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        SQL(
            """
            UPDATE meter_register reg
               SET create_uid = lot.create_uid, create_date = lot.create_date,
                   write_uid = lot.write_uid, write_date = lot.write_date
              FROM stock_lot lot
             WHERE lot.id = reg.lot_id AND reg.write_date IS NULL
            """
        )
    )
