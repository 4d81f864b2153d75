"""Staff: who may sign in at the tills and here, a new cashier or manager, a new PIN, a code turned off or on."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from common.errors import DomainError
from pos.services import staff_admin

from ..api.common import ctx
from .access import err, me, page, t


def _form(*keys: str) -> dict[str, str]:
    return {k: (request.form.get(k) or "")[:100] for k in keys}


def register(bp: Blueprint) -> None:
    @bp.get("/staff")
    def staff():
        return page("staff.html", people=staff_admin.staff(ctx()), form={})

    @bp.post("/staff")
    def add_staff():
        f = _form("code", "name", "role", "pin", "pin_again")
        if f["pin"] != f["pin_again"]:
            return page("staff.html", 400, people=staff_admin.staff(ctx()), form=f, error=t("staff.pins_differ"))
        try:
            added = staff_admin.add(ctx(), me().staff_id, f["code"], f["name"], f["role"], f["pin"])
        except DomainError as e:
            return page("staff.html", e.status, people=staff_admin.staff(ctx()), form=f, error=err(e))
        flash(t(f"staff.added_{added['role']}", name=added["name"], code=added["code"]), "ok")
        return redirect(url_for("manager.staff"))

    @bp.post("/staff/<code>/pin")
    def staff_pin(code: str):
        f = _form("pin", "pin_again")
        try:
            if f["pin"] != f["pin_again"]:
                raise DomainError("pins_differ", "the two PINs differ")
            staff_admin.new_pin(ctx(), me().staff_id, code, f["pin"])
            flash(t("staff.pin_set", code=code), "ok")
        except DomainError as e:
            flash(t("staff.pins_differ") if e.code == "pins_differ" else err(e), "error")
        return redirect(url_for("manager.staff") + f"#staff-{code}")

    @bp.post("/staff/<code>/active")
    def staff_active(code: str):
        on = request.form.get("active") == "1"
        try:
            staff_admin.set_active(ctx(), me().staff_id, code, on)
            flash(t("staff.enabled" if on else "staff.disabled", code=code), "ok")
        except DomainError as e:
            flash(err(e), "error")
        return redirect(url_for("manager.staff") + f"#staff-{code}")
