"""HTML pages: the till and the customer display (both live over Socket.IO)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from common.limits import MAX_AMOUNT
from common.tenders import TENDERS

from .api.common import ctx
from .i18n import messages, page_locale

pages = Blueprint("pages", __name__)


def _page(template: str, **extra: object):
    c = ctx()
    loc = page_locale()
    return render_template(
        template,
        lang=loc,
        t=messages("pos", loc),
        store=c.config.store,
        currency=c.config.currency,
        max_amount=MAX_AMOUNT,
        qris_poll_seconds=c.config.qris.poll_seconds,
        **extra,
    )


@pages.get("/")
def index():
    return redirect(url_for("pages.till"))


@pages.get("/till")
def till():
    keyed = [
        {"name": k.name, "key": k.key, "needs_reference": k.needs_reference, "gateway": k.gateway}
        for k in TENDERS.values()
        if k.key
    ]
    return _page("pos/till.html", tender_keys=keyed)


@pages.get("/display/<till_id>")
def display(till_id: str):
    if till_id not in ctx().config.store.tills:
        abort(404)
    return _page("pos/display.html", till_id=till_id)
