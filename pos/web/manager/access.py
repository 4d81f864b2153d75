"""Manager sign-in (signed cookie session), CSRF on every form, language, and what every page template gets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import NotFound
from wtforms import ValidationError

from common import i18n
from common.errors import DomainError, Unauthorized
from common.web.top_bar import NavItem, section_of
from pos.services import auth, manager_access
from pos.services.auth import Actor

from ..api.common import ctx
from ..i18n import page_locale
from . import fmt
from .texts import error_text, text

SESSION_KEY = "manager"
OPEN_ENDPOINTS = {"manager.sign_in", "manager.sign_in_post"}


def me() -> Actor:
    return g.manager


def t(key: str, /, **values: Any) -> str:
    return text(g.get("lang", "id"), key, **values)


def err(e: DomainError) -> str:
    return error_text(g.get("lang", "id"), e)


def page(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    return render_template(f"pos/manager/{template}", **values), status


def refused(status: int, message: str) -> tuple[str, int]:
    return page("refused.html", status, message=message)


def _before() -> Any:
    g.lang = page_locale()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except (ValidationError, CSRFError):
            return refused(400, t("err.csrf"))
    if request.endpoint in OPEN_ENDPOINTS or request.endpoint == "static":
        return None
    token = session.get(SESSION_KEY)
    try:
        g.manager = manager_access.current_manager(ctx(), token if isinstance(token, str) else None)
    except Unauthorized:
        session.pop(SESSION_KEY, None)
        if request.method == "GET":
            return redirect(url_for("manager.sign_in", next=request.full_path.rstrip("?")))
        return refused(401, t("err.signed_out"))
    except DomainError as e:
        session.pop(SESSION_KEY, None)
        return refused(e.status, err(e))
    return None


def _after(resp: Response) -> Response:
    if request.args.get("lang") in i18n.LOCALES:
        resp.set_cookie("lang", request.args["lang"], max_age=365 * 86400, samesite="Lax")
    resp.headers.setdefault("Cache-Control", "no-store")  # stock figures are never stale on Back
    return resp


def _context() -> dict[str, Any]:
    c = ctx()
    return {
        "_": t,
        "lang": g.get("lang", "id"),
        "store": c.config.store,
        "currency": c.config.currency,  # the store's one number format (thousands, decimal), for the pages' scripts
        "manager": g.get("manager"),
        "csrf_token": generate_csrf,
        "money": fmt.money,
        "qty": fmt.qty,
        "net_variance": fmt.net_variance,
        "pct": fmt.pct,
        "when": fmt.when,
        "duration": fmt.duration,
        "span": fmt.span,
        "cell": fmt.cell,
        "NUMERIC": fmt.NUMERIC,
        "lang_url": _lang_url,
        "tr": said,
        "CODED": fmt.CODED,
        "CODES": fmt.CODES,
        "NAV": NAV,
        "NAV_GROUPS": NAV_GROUPS,
        "section": _section(request.path),
    }


# The sections in the top bar, and the path prefixes that belong to each (longest prefix wins). One row at 1024 px
# in either language: the daily work is one click away on every screen; what a wide screen has room for and the
# store's administration (weekly or rarer) sit under More, grouped, two clicks away.
NAV = [
    NavItem("manager.stock", "nav.stock", "row", "stock"),
    NavItem("manager.receive", "nav.receive", "row", "stock"),
    NavItem("manager.adjust", "nav.adjust", "wide", "stock"),
    NavItem("manager.counts", "nav.counts", "row", "stock"),
    NavItem("manager.transfers_page", "nav.transfers", "wide", "stock"),
    NavItem("manager.low", "nav.low", "wide", "stock"),
    NavItem("manager.labels", "nav.labels", "more", "stock"),
    NavItem("manager.report", "nav.reports", "row", "sales"),
    NavItem("manager.shifts", "nav.shifts", "row", "sales"),
    NavItem("manager.orders", "nav.orders", "row", "sales"),
    NavItem("manager.sync", "nav.sync", "more", "admin"),
    NavItem("manager.audit", "nav.audit", "more", "admin"),
    NavItem("manager.locks", "nav.locks", "more", "admin"),
    NavItem("manager.kiosks", "nav.kiosks", "more", "admin"),
    NavItem("manager.staff", "nav.staff", "more", "admin"),
]
# The headings under More, in order.
NAV_GROUPS = [("stock", "nav.group_stock"), ("admin", "nav.group_admin")]
_PREFIXES = {
    "/manager/stock": "nav.stock",
    "/manager/stock/receive": "nav.receive",
    "/manager/stock/adjust": "nav.adjust",
    "/manager/counts": "nav.counts",
    "/manager/transfers": "nav.transfers",
    "/manager/stock/low": "nav.low",
    "/manager/labels": "nav.labels",
    "/manager/reports": "nav.reports",
    "/manager/shifts": "nav.shifts",
    "/manager/sync": "nav.sync",
    "/manager/print-queue": "nav.sync",
    "/manager/audit": "nav.audit",
    "/manager/locks": "nav.locks",
    "/manager/kiosks": "nav.kiosks",
    "/manager/staff": "nav.staff",
    "/manager/orders": "nav.orders",
}


def _section(path: str) -> str:
    return section_of(path, _PREFIXES)


def said(prefix: str, value: object) -> str:
    """A coded value (movement kind, tender, audit action) in words, or the code itself if it has none."""
    key = f"{prefix}.{value}"
    words = t(key)
    return str(value) if words == key else words


def _lang_url(lang: str) -> str:
    args: dict[str, Any] = request.args.to_dict()
    args["lang"] = lang
    return url_for(request.endpoint or "manager.home", **(request.view_args or {}), **args)


def _safe_next(target: str | None) -> str:
    """Only a path inside the manager screens: a sign-in link cannot send the manager elsewhere."""
    if target and target.startswith("/manager") and not urlparse(target).netloc:
        return target
    return url_for("manager.home")


def register(bp: Blueprint) -> None:
    bp.before_request(_before)
    bp.after_request(_after)
    bp.context_processor(_context)
    # Any refusal a view did not handle itself still reaches the manager as a page, never as JSON or a 500.
    bp.register_error_handler(DomainError, lambda e: refused(e.status, err(e)))
    bp.register_error_handler(NotFound, lambda _e: refused(404, t("err.no_such_page")))

    @bp.get("/<path:unknown>")
    def no_such_page(unknown: str):
        """An old bookmark or a mistyped address under /manager: a page in the manager's language, not Werkzeug's."""
        return refused(404, t("err.no_such_page"))

    @bp.get("/sign-in")
    def sign_in():
        if session.get(SESSION_KEY):
            return redirect(_safe_next(request.args.get("next")))
        return page("sign_in.html", next=request.args.get("next", ""), staff_code="")

    @bp.post("/sign-in")
    def sign_in_post():
        code = request.form.get("staff_code", "")
        try:
            token, who = manager_access.sign_in_manager(
                ctx(), code, request.form.get("pin", ""), request.remote_addr or ""
            )
        except DomainError as e:
            return page("sign_in.html", e.status, error=err(e), next=request.form.get("next", ""), staff_code=code)
        session[SESSION_KEY] = token
        flash(t("signin.welcome", name=who.name), "ok")
        return redirect(_safe_next(request.form.get("next")))

    @bp.post("/sign-out")
    def sign_out():
        token = session.pop(SESSION_KEY, None)
        if isinstance(token, str):
            auth.sign_out(ctx(), token)  # ends it server-side: a copied cookie is worth nothing now
        flash(t("signin.signed_out"), "ok")
        return redirect(url_for("manager.sign_in"))
