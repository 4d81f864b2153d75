"""The admin pages: sign in, see stores and their last sync, edit products and prices (promotions: admin_promotions)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from central.services import (
    admin_auth,
    dead_letters,
    loyalty_admin,
    reconciliation_admin,
    reconciliation_resolve,
    store_health,
    stores,
)
from central.services.cart_views import local_time
from central.services.context import CentralContext
from central.services.price_checks import price_said
from common import i18n, refusals
from common.errors import DomainError
from common.loyalty import show_phone
from common.measure import WEIGHT, format_qty
from common.money import format_money, group_thousands
from common.promotions import shown_value

from . import admin_nav

admin = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


def ctx() -> CentralContext:
    return current_app.extensions["omnitoko_central"]


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button: only the CSRF token."""


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs from a service as a select's options."""
    return [SelectChoice(value, label) for value, label in pairs]


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The session token in the cookie must name a live session of an active admin (checked on every request)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            g.admin = admin_auth.current_admin(ctx(), session.get("admin_session"))
        except DomainError:
            session.clear()
            if request.method != "GET":
                return _page("login.html", form=LoginForm()), 401
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def admin_lang() -> str:
    """The admin's language: ?lang= (remembered in the session), else Indonesian."""
    wanted = request.args.get("lang")
    if wanted in i18n.LOCALES:
        session["admin_lang"] = wanted
    return i18n.locale_or_default(session.get("admin_lang"))


def tr(key: str, /, **values: Any) -> str:
    """An admin text (catalog `admin`, static/i18n/admin.json) in the admin's language."""
    return i18n.text("admin", admin_lang(), key, **values)


def said(e: DomainError) -> str:
    """A service's refusal in the admin's language: the admin's own words for its code, else the errors catalog's
    (the service's message when neither knows it)."""
    key = f"err.{e.code}"
    if i18n.has("admin", admin_lang(), key):
        return tr(key, **e.detail)
    return i18n.error_message(admin_lang(), e.code, e.message, e.detail)


def _kind(kind: str) -> str:
    return _word("kind", kind)


def _word(prefix: str, code: str) -> str:
    """A coded value (a ledger kind, a payment method) in the admin's words, or the code where it has none."""
    key = f"{prefix}.{code}"
    return tr(key) if i18n.has("admin", admin_lang(), key) else code


def _refused(code: str) -> str:
    """Why central refused an event, in the admin's words: a check's refusal, else the admin's or the errors
    catalog's words for the code where they need no detail, else the code (central's reason is shown beside it)."""
    lang = admin_lang()
    if why := refusals.why(code, lang):
        return why
    for domain, key in (("admin", f"err.{code}"), ("errors", code)):
        if i18n.has(domain, lang, key) and "{" not in (words := i18n.text(domain, lang, key)):
            return words
    return code


def _when(at: datetime | None) -> str:
    """A stored UTC time on head office's clock with its zone (05/12/2026 00:51 WIB), never raw ISO UTC."""
    return local_time(ctx(), at, "%d/%m/%Y %H:%M %Z")


def _qty(value: int, measure: str = "unit") -> str:
    """A stock quantity as the stores show it: 1.062 pieces, 24,975 kg (grams in the ledgers)."""
    return format_qty(value, measure) if measure == WEIGHT else group_thousands(value)


def _same_page(lang: str) -> str:
    """This page in `lang`, with what was asked on it (a search, a range of days) kept. A form's refusal is shown
    at the address it was posted to, which has no page of its own: there, the page the form was on."""
    if request.method != "GET":
        came_from = urlsplit(request.referrer or "").path
        return f"{came_from if came_from.startswith('/admin/') else url_for('admin.dashboard')}?lang={lang}"
    return "?" + urlencode([*((k, v) for k, v in request.args.items(multi=True) if k != "lang"), ("lang", lang)])


def _seconds(value: float, fmt: str = "%d") -> str:
    """Seconds in the admin's language and decimal mark: "0,25 dtk", "0.25 s"."""
    shown = fmt % value
    return tr("unit.seconds", n=shown.replace(".", ",") if admin_lang() == "id" else shown)


def _sale_line(d: dict[str, Any]) -> dict[str, Any]:
    """The receipt, line and product a sale task's sentence names."""
    return {"number": d["number"], "line": d["line"], "name": d["name"] or d["sku"]}


def task_said(r: dict[str, Any]) -> str | None:
    """What happened, in the admin's words; None for a kind (or an older item) without them: central's message."""
    if r["kind"] == "below_zero" and r["on_hand"] is not None:
        return tr("recon.say.below_zero", name=r["name"], on_hand=_qty(r["on_hand"], r["measure"]))
    if r["kind"] == "transfer_difference":
        return tr("recon.say.transfer_difference", ref=r["transfer"])
    if r["kind"] == "cart_conflict" and r["sale_number"]:
        return tr("recon.say.cart_conflict", number=r["sale_number"])
    if r["kind"] == "promotion_discount" and (d := r.get("detail")):  # claimed: the discount; most: the rule's
        said = {**_sale_line(d), "promo": d["promotion"]}
        if d["why"] in ("not_yet", "terms_not_yet"):  # when the sale was made, and when central had the promotion
            said |= {
                "at": _when(datetime.fromisoformat(d["completed_at"])),
                "since": _when(datetime.fromisoformat(d["since"])),
            }
        money = {"claimed": format_money(d["claimed"]), "most": format_money(d["most"])}
        return tr(f"recon.say.promotion_{d['why']}", **said, **money, promo_id=d["promotion_id"])
    if r["kind"] == "unit_price" and (d := r.get("detail")):  # price: the line's; now: central's today
        now = price_said(d["price_now"], d["measure"]) if d["price_now"] is not None else ""
        return tr(
            f"recon.say.price_{d['why']}", **_sale_line(d), price=price_said(d["unit_price"], d["measure"]), now=now
        )
    if r["kind"] == "manual_discount" and (d := r.get("detail")):  # claimed: this discount; manual: the sale's
        said = {"claimed": format_money(d["claimed"]), **_sale_line(d)}
        what = tr("recon.say.manual_line" if d["line"] else "recon.say.manual_sale", **said)
        figures = {"manual": format_money(d["manual"]), "base": format_money(d["base"])}
        figures |= {"share": shown_value("percent", d["share_bp"]), "limit": shown_value("percent", d["limit_bp"])}
        return tr(f"recon.say.manual_{d['why']}", what=what, **figures)
    return None


def task_status(r: dict[str, Any]) -> str | None:
    """Why an open task is open again, in the admin's words: reopened (by whom, when, why) or happened again after a
    resolution (that resolution); None for one open the first time (or a resolved one)."""
    if r["status"] == "reopened":
        return tr("recon.reopened_by", who=r["reopened_by"], when=_when(r["reopened_at"]), note=r["reopen_note"])
    if r["status"] == "recurred" and (b := r["before"]):
        return tr("recon.again", who=b["by"], when=_when(b["at"]), note=b["note"])
    return None


def _page(template: str, **extra: Any) -> str:
    return render_template(
        f"central/admin/{template}",
        _=tr,
        lang=admin_lang(),
        other_lang="en" if admin_lang() == "id" else "id",
        same_page=_same_page,
        kind_name=_kind,
        word=_word,
        refusal=_refused,
        central=ctx().config.central,
        user=g.get("admin"),
        action=ActionForm(),
        n=group_thousands,
        money=format_money,
        phone=show_phone,
        promo_value=shown_value,
        when=_when,
        secs=_seconds,
        duration=lambda seconds: i18n.say_wait(admin_lang(), int(seconds)),  # 7200 s: "2 jam"
        qty=_qty,
        **admin_nav.context(),  # the top bar's sections
        **extra,
    )


@admin.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        return _page("login.html", form=form)
    if not form.validate_on_submit():
        flash(tr("flash.form_expired_incomplete"))
        return _page("login.html", form=form), 400
    try:
        token = admin_auth.sign_in(ctx(), form.username.data or "", form.password.data or "", request.remote_addr or "")
    except DomainError as e:
        flash(said(e))
        return _page("login.html", form=form), e.status
    lang = admin_lang()
    session.clear()  # a fresh session: nothing from before the sign-in survives it (but the language chosen)
    session["admin_session"] = token
    session["admin_lang"] = lang
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/admin/") and "//" not in target else url_for("admin.dashboard"))


@admin.post("/logout")
@signed_in
def logout():
    if not ActionForm().validate_on_submit():  # a page elsewhere must not be able to sign the admin out
        abort(400, tr("flash.logout_refused"))
    admin_auth.sign_out(ctx(), session.get("admin_session"))
    session.clear()
    return redirect(url_for("admin.login"))


@admin.get("/locks")
@signed_in
def locks():
    return _page("locks.html", locks=admin_auth.locks(ctx()))


@admin.post("/locks")
@signed_in
def lift_lock():
    key = request.form.get("key", "")[:120]
    if not ActionForm().validate_on_submit():
        flash(tr("flash.form_expired"))
    elif admin_auth.lift_lock(ctx(), key):
        log.warning("admin %s lifted the sign-in lock of %s", g.admin, key)
        flash(tr("flash.lock_lifted", key=key))
    else:
        flash(tr("flash.not_locked", key=key))
    return redirect(url_for("admin.locks"))


@admin.get("/")
@signed_in
def dashboard():
    return dashboard_page(tasks_view())


def tasks_view() -> str:
    """Which reconciliation tasks the dashboard lists (?tasks=): "open" (the default) or "resolved"."""
    return "resolved" if request.values.get("tasks") == "resolved" else "open"


def dashboard_page(view: str, **tasks: Any) -> str:
    """The dashboard, its reconciliation section listing the `view`'s tasks; `tasks`: a refused resolve or reopen
    (`typed`: the task, the note as typed and why it was refused), shown at its row."""
    overview = stores.store_overview(ctx())
    names = {s["id"]: s["name"] for s in overview}
    return _page(
        "dashboard.html",
        stores=overview,
        # a store by its name, its code beside it (the code alone where central has no name for it)
        store_name=lambda code: Markup("{} <small>{}</small>").format(names[code], code) if code in names else code,
        health=store_health.health_overview(ctx()),
        dead=dead_letters.list_dead_letters(ctx(), limit=50),
        recon=reconciliation_admin.listed(ctx(), view),
        tasks_view=view,
        typed=tasks.get("typed"),
        task_said=task_said,
        task_status=task_status,
        note_max=reconciliation_resolve.NOTE_MAX,
        in_debt=loyalty_admin.debt_count(ctx()),
    )


@admin.get("/<path:rest>")
@signed_in
def not_found(rest: str):
    """An old bookmark or a typo under /admin/: said in the admin's language on an admin page, not Werkzeug's."""
    return _page("not_found.html", path=f"/admin/{rest}"[:120]), 404


def _event(d: dict[str, Any]) -> str:
    """A dead-lettered event as the dashboard lists it: "Penjualan no. 2 dari Omnitoko Depok", not its UUID."""
    names = {s["id"]: s["name"] for s in stores.store_overview(ctx())}
    store = names.get(d["store_id"]) or d["store_id"]
    return tr("dash.event", type=_word("event", d["type"]), seq=d["store_seq"], store=store)


@admin.post("/dead-letters/<event_id>/<action_name>")
@signed_in
def dead_letter(event_id: str, action_name: str):
    if not ActionForm().validate_on_submit() or action_name not in ("retry", "discard"):
        flash(tr("flash.form_expired"))
        return redirect(url_for("admin.dashboard"))
    try:
        if action_name == "discard":
            flash(tr("flash.event_discarded", event=_event(dead_letters.discard(ctx(), event_id))))
        else:
            out = dead_letters.retry(ctx(), event_id)
            flash(
                tr("flash.event_applied", event=_event(out))
                if out["retried"]
                else tr("flash.event_refused", event=_event(out), reason=_refused(out["code"]))
            )
    except DomainError as e:
        flash(said(e))
    return redirect(url_for("admin.dashboard"))
