"""The kiosk page (one screen, no page loads) and the QR image of a ticket it shows."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from common.i18n import catalog, locale_or_default
from pos.services import kiosk_carts
from pos.web.api.common import ctx

from .qr import qr_svg

kiosk = Blueprint("kiosk", __name__, url_prefix="/kiosk")


def _seconds(name: str, default: int, low: int, high: int) -> int:
    """?idle=5 / ?countdown=3 on the URL override config (a test, or a kiosk that wants a shorter wait)."""
    raw = request.args.get(name, "")
    return max(low, min(high, int(raw))) if raw.isdigit() else default


@kiosk.get("/")
def page():
    c = ctx()
    settings = {
        "lang": locale_or_default(request.args.get("lang"), c.config.i18n.default_locale),
        "defaultLang": c.config.i18n.default_locale,
        "idleSeconds": _seconds("idle", c.config.kiosk.idle_seconds, 1, 3600),
        "countdownSeconds": _seconds("countdown", c.config.kiosk.countdown_seconds, 1, 120),
        "device": (request.args.get("device") or "kiosk")[:32],
        "currency": {
            "symbol": c.config.currency.symbol,
            "thousands": c.config.currency.thousands,
            "decimal": c.config.currency.decimal,
            "minorUnits": c.config.currency.minor_units,
        },
        "store": c.config.store.name,
        "timezone": c.config.store.timezone,  # dates on the store's clock, whatever the kiosk PC's zone
    }
    return render_template(
        "kiosk/kiosk.html", settings=settings, texts=catalog("kiosk"), store=c.config.store, lang=settings["lang"]
    )


@kiosk.get("/ticket.svg")
def ticket_qr():
    """The QR of a genuine ticket of this store only, so this is no open QR-drawing service."""
    payload = request.args.get("p", "")[:120]
    if kiosk_carts.verified_cart_id(ctx(), payload) is None:
        abort(404)
    resp = Response(qr_svg(payload), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp
