"""The admin's loyalty pages: find a member, their ledger and allowances, block, adjust points, grant an offline
allowance, and the members in debt. Sign-in and page layout are the admin blueprint's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from central.services import loyalty, loyalty_admin, offline_allowances
from common.csv_export import csv_chunks, csv_line, csv_text
from common.errors import DomainError, NotFound
from common.limits import MAX_POINTS
from common.loyalty import show_phone
from common.money import group_thousands
from common.web.csv_download import csv_download, csv_stream

from .admin import ActionForm, _page, choices, ctx, said, signed_in, tr

members = Blueprint("admin_members", __name__, url_prefix="/admin")
MAX = MAX_POINTS
log = logging.getLogger(__name__)
SHOWN = 50  # members a page of a search lists


class AdjustForm(FlaskForm):
    points = IntegerField(
        "Poin / Points (+ tambah / add, - kurangi / take)", validators=[InputRequired(), NumberRange(min=-MAX, max=MAX)]
    )
    note = StringField("Alasan / Reason", validators=[DataRequired(), Length(max=160)])
    into_debt = BooleanField("Below zero / Di bawah nol")  # shown once an adjustment would take the balance below 0


class AllowanceForm(FlaskForm):
    store_id = SelectField("Toko / Store", choices=[], validate_choice=True)
    points = IntegerField("Poin / Points", validators=[InputRequired(), NumberRange(min=0, max=MAX)])
    days = IntegerField("Berlaku (hari) / Valid for (days)", validators=[InputRequired(), NumberRange(min=1, max=3650)])


@members.get("/members")
@signed_in
def search():
    q = " ".join(request.args.get("q", "").split())
    page = request.args.get("page", "1")
    if len(q) > loyalty_admin.SEARCH_MAX or not (page.isascii() and page.isdigit() and 1 <= int(page) <= MAX_PAGE):
        # said on the page, the search box emptied of what could not be searched
        error = tr("members.bad_search", n=loyalty_admin.SEARCH_MAX, most=group_thousands(MAX_PAGE))
        return _page("members.html", q=q[: loyalty_admin.SEARCH_MAX], items=[], error=error), 400
    if loyalty_admin.too_short(q):  # it would match most members, and be read from every one of them
        return _page("members.html", q=q, items=[], error=tr("members.short_search", n=loyalty_admin.SEARCH_MIN)), 400
    if request.args.get("format") == "csv":
        return _download(q)
    listed = loyalty_admin.search_page(ctx(), q, int(page), SHOWN)
    return _page("members.html", q=q, items=listed["items"], listed=listed, error=None)


def _download(q: str) -> Any:
    """Every member the search finds (up to loyalty_admin.EXPORT_CAP, the last line says when it stopped there),
    streamed as read; who downloaded how many is logged, as the admin's other acts are (not the search: it may be
    a phone number)."""
    export = loyalty_admin.MemberExport(ctx(), q)
    rows = (
        [
            {
                **m,
                "phone": show_phone(m["phone"]),
                "status": tr("members.blocked") if m["blocked"] else tr("members.active"),
                "since": datetime.strptime(m["since"], "%d/%m/%Y").date() if m["since"] else None,  # ISO 8601
            }
            for m in chunk
        ]
        for chunk in export
    )
    admin = g.admin

    def body() -> Iterator[str]:
        yield from csv_chunks(MEMBER_COLUMNS, rows, header=lambda key: tr(MEMBER_HEADERS[key]))
        if export.cut:
            yield csv_line([tr("members.csv_cut", n=group_thousands(export.cap))])
        log.warning("admin %s downloaded %d members as CSV%s", admin, export.count, " (cut)" if export.cut else "")

    return csv_stream(body(), "members.csv")


# The members a search finds as CSV: the page's columns, points as whole numbers.
MEMBER_COLUMNS = [(k, "text") for k in ("number", "name", "phone", "email")]
MEMBER_COLUMNS += [("balance", "int"), ("held", "int"), ("status", "text"), ("since", "text")]
MEMBER_HEADERS = {k: f"members.{k}" for k, _ in MEMBER_COLUMNS} | {"name": "field.name"}
MAX_PAGE = loyalty_admin.EXPORT_CAP // SHOWN  # pages of a search; further on, the CSV has them


def _member_page(
    member_id: str, status: int = 200, adjust: AdjustForm | None = None, allowance: AllowanceForm | None = None
) -> Any:
    try:
        m = loyalty_admin.member_page(ctx(), member_id)
    except NotFound as e:
        flash(said(e))  # under "Newest members": the newest, not an empty list that says none match
        return _page("members.html", q="", items=loyalty_admin.search_members(ctx(), "")), 404
    allowance = allowance or AllowanceForm(formdata=None, days=m["default_days"])
    allowance.store_id.choices = choices(m["stores"])
    return _page("member.html", m=m, adjust=adjust or AdjustForm(formdata=None), allowance=allowance), status


@members.get("/members/<member_id>")
@signed_in
def member(member_id: str):
    return _member_page(member_id)


def _back(member_id: str) -> Any:
    return redirect(url_for("admin_members.member", member_id=member_id))


def _set_blocked(member_id: str, blocked: bool) -> Any:
    if not ActionForm().validate_on_submit():
        flash(tr("flash.form_expired"))
        return _back(member_id)
    try:
        loyalty.set_blocked(ctx(), member_id, blocked)
    except DomainError as e:
        flash(said(e))
        return _back(member_id)
    flash(tr("flash.member_blocked" if blocked else "flash.member_unblocked"))
    return _back(member_id)


@members.post("/members/<member_id>/block")
@signed_in
def block(member_id: str):
    return _set_blocked(member_id, True)


@members.post("/members/<member_id>/unblock")
@signed_in
def unblock(member_id: str):
    return _set_blocked(member_id, False)


def _apply(member_id: str, form: AdjustForm | AllowanceForm, shown_as: str, change: Callable[[], str]) -> Any:
    """Check the form, make the change and say what it did; bad input shows the page again with the form's errors."""
    if not form.validate_on_submit():
        return _member_page(member_id, 400, **{shown_as: form})
    try:
        flash(change())
    except DomainError as e:
        form.points.errors = [said(e)]
        form.ask_debt = e.code == "adjust_into_debt"
        return _member_page(member_id, e.status, **{shown_as: form})
    return _back(member_id)


@members.post("/members/<member_id>/adjust")
@signed_in
def adjust(member_id: str):
    form = AdjustForm()

    def change() -> str:
        points = int(form.points.data or 0)
        done = loyalty_admin.adjust(
            ctx(), member_id, points, f"{form.note.data} (admin {g.admin})", bool(form.into_debt.data)
        )
        return tr(
            "flash.adjusted", points=group_thousands(points, signed=True), balance=group_thousands(done["balance"])
        )

    return _apply(member_id, form, "adjust", change)


@members.post("/members/<member_id>/allowance")
@signed_in
def allowance(member_id: str):
    form = AllowanceForm()
    stores = loyalty_admin.store_choices(ctx())
    form.store_id.choices = choices(stores)

    def change() -> str:
        done = offline_allowances.grant_allowance(
            ctx(), member_id, form.store_id.data or "", int(form.points.data or 0), int(form.days.data or 0)
        )
        store = dict(stores).get(done["store_id"], done["store_id"])  # "TOKO-01 · Omnitoko Kemang", as chosen
        return tr("flash.allowance", points=group_thousands(done["points"]), store=store)

    return _apply(member_id, form, "allowance", change)


@members.get("/debts")
@signed_in
def debts():
    items = loyalty_admin.debts(ctx())
    if request.args.get("format") != "csv":
        return _page("debts.html", items=items)
    rows = [{**d, "phone": show_phone(d["phone"]), "where": ", ".join(_where(st) for st in d["stores"])} for d in items]
    body = csv_text(DEBT_COLUMNS, rows, header=lambda key: tr(DEBT_HEADERS[key]))
    return csv_download(body, "debts.csv")


# The debts table as CSV: the page's columns, the debt's worth in whole Rupiah.
DEBT_COLUMNS = [
    ("number", "text"),
    ("name", "text"),
    ("phone", "text"),
    ("debt", "int"),
    ("value", "money"),
    ("where", "text"),
]
DEBT_HEADERS = {
    "number": "members.number",
    "name": "field.name",
    "phone": "members.phone",
    "debt": "debts.debt",
    "value": "member.worth",
    "where": "debts.where",
}


def _where(st: dict[str, Any]) -> str:
    """One source of a debt in words, as the page says it."""
    n = group_thousands(st["points"])
    return tr("debts.offline", store=st["name"], n=n) if st["store_id"] else tr("debts.adjusted", n=n)
