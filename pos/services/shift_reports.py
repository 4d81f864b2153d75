"""The till shifts a manager looks back on: each shift of a date range with its drawer (expected, counted, the
difference), and one shift's whole X or Z report. A closed shift shows the Z it printed (kept with it, as it was
when the drawer was counted); an open one its running X figures."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import NotFound
from pos.adapters.tables import Shift, Staff

from . import cash_moves
from .context import StoreContext
from .shifts import shift_report
from .store_time import period, to_local

COLUMNS = [
    ("till", "text"),
    ("opened_at", "datetime"),
    ("opened_by", "text"),
    ("closed_at", "datetime"),
    ("closed_by", "text"),
    ("sales", "int"),
    ("total", "money"),
    ("refunds", "money"),
    ("cash_out", "money"),
    ("cash_in", "money"),
    ("expected_cash", "money"),
    ("counted_cash", "money"),
    ("variance", "signed_money"),
]


def _figures(s: Session, shift: Shift) -> dict[str, Any]:
    """The shift's report: the stored Z of a closed shift, the running X of an open one."""
    if shift.state == "closed" and shift.report_json:
        return dict(json.loads(shift.report_json))
    return shift_report(s, shift)


def _who(ctx: StoreContext, sh: Shift, names: dict[str, str]) -> dict[str, Any]:
    return {
        "opened_at": to_local(ctx, sh.opened_at),
        "opened_by": names.get(sh.staff_id, ""),
        "closed_at": to_local(ctx, sh.closed_at) if sh.closed_at else None,
        "closed_by": names.get(sh.closed_by or "", ""),
    }


def _drawer(sh: Shift, f: dict[str, Any]) -> dict[str, int | None]:
    """A closed shift's counted cash and its difference as its Z said them; none for an open shift."""
    counted = sh.counted_cash if sh.state == "closed" else None
    variance = f.get("variance") if counted is not None else None
    if variance is None and counted is not None and "expected_cash" in f:  # a Z kept without its difference
        variance = counted - int(f["expected_cash"])
    return {"counted_cash": counted, "variance": variance}


def shifts(ctx: StoreContext, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The shifts opened in the range (the last 7 days by default), newest first, one row each."""
    per = period(ctx, start, end)
    lo, hi = per.utc_bounds()
    with ctx.db.sessions() as s:
        names = {x.id: x.name for x in s.scalars(select(Staff))}
        found = s.scalars(
            select(Shift).where(Shift.opened_at >= lo, Shift.opened_at < hi).order_by(Shift.opened_at.desc())
        ).all()
        rows = []
        for sh in found:
            f = _figures(s, sh)
            rows.append(
                {
                    "id": sh.id,
                    "till": sh.till_id,
                    "state": sh.state,
                    **_who(ctx, sh, names),
                    "sales": int(f.get("sales_count", 0)),
                    "total": int(f.get("sales_total", 0)),
                    "refunds": int(f.get("refunds", {}).get("total", 0)),
                    # A Z kept before cash in and out were recorded moved none.
                    "cash_out": int(f.get("cash_out", 0)),
                    "cash_in": int(f.get("cash_in", 0)),
                    "expected_cash": int(f["expected_cash"]) if "expected_cash" in f else None,
                    **_drawer(sh, f),
                }
            )
    return {"start": per.start, "end": per.end, "rows": rows}


def one_shift(ctx: StoreContext, shift_id: str) -> dict[str, Any]:
    """One shift's whole report (kind Z when closed, X while open), with who opened and closed it."""
    with ctx.db.sessions() as s:
        sh = s.get(Shift, shift_id)
        if sh is None:
            raise NotFound("unknown_shift", f"shift {shift_id} not found")
        names = {x.id: x.name for x in s.scalars(select(Staff))}
        report = _figures(s, sh)
        report.update(state=sh.state, kind="Z" if sh.state == "closed" else "X", **_who(ctx, sh, names))
        report.update(_drawer(sh, report))
        report.setdefault("cash_out", 0)
        report.setdefault("cash_in", 0)
        report["cash_moves"] = cash_moves.moves(s, sh.id)
        for m in report["cash_moves"]:
            m["at"] = to_local(ctx, datetime.fromisoformat(m["at"]))
        return report
