from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class MeterStockEngine(models.AbstractModel):
    """The engine's valuation with stock_account: through its own methods on the moves, the
    moves sorted and checked once per kind of line instead of line by line."""

    _inherit = "meter.stock.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_valued_moves(self, moves):
        """``{valued type: moves}`` as stock_account's ``_action_done`` sorts them before the
        moves are done; None without stock_account.

        stock_account's ``_is_in`` / ``_is_out`` read every line of a move, but decide each
        line by its picked flag, owner, company and locations only: one line of each such
        kind answers for all of them, so that a move of 10,000 meters is not read line by line
        (an add-on that overrides these methods sends the operation through Odoo's path)."""
        Move = self.env["stock.move"]
        if not hasattr(Move, "_get_valued_types"):
            return None
        directions = self._get_valuation_directions(moves)
        valued = dict.fromkeys(Move._get_valued_types(), Move)
        for move in moves:
            if move.id not in directions:
                continue  # nothing picked
            for valued_type in valued:
                if valued_type in directions[move.id]:
                    is_valued = directions[move.id][valued_type]
                else:
                    is_valued = getattr(move, f"_is_{valued_type}")()
                if is_valued:
                    valued[valued_type] |= move
        return valued

    @api.model
    def _get_valuation_directions(self, moves):
        """``{move id: {"in": _is_in(), "out": _is_out(), "lines": the kinds of its valued
        lines}}`` for the moves with a picked line, one line of each kind read."""
        kinds = self._get_move_line_kinds(moves)
        result = {}
        for move in moves:
            lines = kinds.get(move.id, self.env["stock.move.line"]).filtered("picked")
            if not lines:
                continue
            lines = lines.filtered(lambda line: not line._should_exclude_for_valuation())
            result[move.id] = {
                "in": any(
                    not line.location_id._should_be_valued()
                    and line.location_dest_id._should_be_valued()
                    for line in lines
                )
                and not move._is_dropshipped_returned(),
                "out": any(
                    line.location_id._should_be_valued()
                    and not line.location_dest_id._should_be_valued()
                    for line in lines
                )
                and not move._is_dropshipped(),
                "lines": kinds[move.id],
            }
        return result

    @api.model
    def _check_valued_moves(self, moves):
        """What stock_account's ``_sanity_check_for_valuation`` checks, one line of each kind
        read."""
        directions = self._get_valuation_directions(moves)
        for move in moves:
            move_directions = directions.get(move.id) or {
                "in": False,
                "out": False,
                "lines": self.env["stock.move.line"],
            }
            if move_directions["in"] and move_directions["out"]:
                raise UserError(
                    self.env._(
                        "The move lines are not in a consistent state: some are entering and "
                        "other are leaving the company."
                    )
                )
            lines = move_directions["lines"]
            company_src = lines.location_id.company_id
            company_dst = lines.location_dest_id.company_id
            if len(company_src) > 1 or len(company_dst) > 1:
                raise UserError(
                    self.env._(
                        "The move lines are not in a consistent states: they do not share the "
                        "same origin or destination company."
                    )
                )
            if company_src and company_dst and company_src != company_dst:
                raise UserError(
                    self.env._(
                        "The move lines are not in a consistent states: they are doing an "
                        "intercompany in a single step while they should go through the "
                        "intercompany transit location."
                    )
                )

    @api.model
    def _get_move_line_kinds(self, moves):
        """``{move id: lines}``: one line of ``moves`` per picked flag, owner, company, source
        and destination, which is all that stock_account's valuation reads of a line."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (move_id, picked, owner_id, company_id, location_id,
                                    location_dest_id) move_id, id
                  FROM stock_move_line
                 WHERE move_id = ANY(%s)
                 ORDER BY move_id, picked, owner_id, company_id, location_id, location_dest_id, id
                """,
                moves.ids,
            )
        )
        kinds = {}
        for move_id, line_id in self.env.cr.fetchall():
            kinds.setdefault(move_id, []).append(line_id)
        Line = self.env["stock.move.line"]
        return {move_id: Line.browse(ids) for move_id, ids in kinds.items()}

    @api.model
    def _fetch_move_lines(self, moves):
        """stock_account reads the lines one by one: fetch the columns it reads in one query,
        however many lines (any other column is fetched for all of them when first read)."""
        moves.move_line_ids.fetch(self._get_valued_line_fields())

    @api.model
    def _get_valued_line_fields(self):
        """The columns of the move lines that stock_account's valuation reads (hook)."""
        return [
            "move_id",
            "picked",
            "owner_id",
            "company_id",
            "location_id",
            "location_dest_id",
            "lot_id",
            "quantity",
            "quantity_product_uom",
            "product_id",
            "product_uom_id",
            "state",
        ]

    @api.model
    def _value_done_moves(self, valued_moves):
        """What stock_account's ``stock.move._action_done`` does after Odoo's: layers, journal
        entries, average cost, FIFO vacuum."""
        if not valued_moves or not any(valued_moves.values()):
            # nothing to value (a transfer between stores): stock_account's own _action_done
            # creates no layer and changes no cost
            return
        self.env.invalidate_all()
        self._fetch_move_lines(self.env["stock.move"].union(*valued_moves.values()))
        valued_moves["in"].product_price_update_before_done()
        layers = self.env["stock.valuation.layer"].sudo()
        for valued_type, moves in valued_moves.items():
            if moves:
                self._check_valued_moves(moves)
                layers |= getattr(moves, f"_create_{valued_type}_svl")()
        layers._validate_accounting_entries()
        layers._validate_analytic_accounting_entries()
        valued_moves["out"].filtered(
            lambda m: m.product_id.lot_valuated
        ).sudo()._product_price_update_after_done()
        layers._check_company()
        ins = valued_moves["in"]
        company = ins.company_id[:1] or self.env.company
        ins.product_id._run_fifo_vacuum(company)
