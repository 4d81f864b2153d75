"""The central store's app factory: flask-openapi3 for the sync API, plain Flask pages for the admin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from flask.typing import ResponseReturnValue
from flask_openapi3 import Info, OpenAPI, SecurityScheme

from central.bootstrap import central_context
from central.config import CentralConfig
from central.gateways import pay_page_origin
from central.services.retry import retried
from common.days import day_shown
from common.db import Database
from common.web.errors import validation_error_response
from common.web.hardening import harden
from common.web.limits import limit_bodies
from common.web.plain_json import PlainJSON

from .admin import admin
from .admin_cash import admin_cash
from .admin_members import members as admin_members
from .admin_payments import admin_payments
from .admin_products import admin_products
from .admin_promotions import admin_promotions
from .admin_reconciliation import admin_reconciliation
from .admin_sales import admin_sales
from .admin_transfers import admin_transfers
from .carts_api import api as carts_api
from .errors import register_error_handlers
from .idle_pull import install as install_idle_pulls
from .lanes import install as install_push_lane
from .loyalty_api import api as loyalty_api
from .loyalty_pages import pages as loyalty_pages
from .metrics import install as install_metrics
from .payments_api import notifications as payment_notifications
from .payments_api import shop_pay
from .recovery_api import api as recovery_api
from .schemas import ErrorOut
from .shop import shop
from .shop_card import shop_card
from .sync_api import api as sync_api
from .till_qris_api import api as till_qris_api

ROOT = Path(__file__).resolve().parents[2]


class CentralApp(OpenAPI):
    """flask-openapi3's app, which tells a coroutine from a plain function once per hook or view: Flask asks
    `inspect.iscoroutinefunction` of each before-request, after-request and teardown hook and of the view on every
    request (eight times per idle pull), and the answer never changes."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        synced: dict[Callable[..., Any], Callable[..., Any]] = self.__dict__.setdefault("_omnitoko_synced", {})
        found = synced.get(func)
        if found is None:
            found = synced[func] = super().ensure_sync(func)
        return found


def create_central_app(config: CentralConfig, db: Database | None = None) -> OpenAPI:
    app = CentralApp(
        "omnitoko.central",
        info=Info(title="Omnitoko central store API", version="1"),
        security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")},
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_callback=validation_error_response,
        responses={400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(SECRET_KEY=config.server.secret_key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    limit_bodies(app, config.server.max_body_bytes, {"/api/v1/sync/push": config.sync.max_body_mb * 2**20})
    harden(
        app,
        config.server,
        env_name="OMNITOKO_CENTRAL_SERVER__SECRET_KEY",
        init_command="omnitoko central init",
        cookie="omnitoko_central",
        form_targets=[pay_page_origin(config.payments)],  # the shop's "Pay" ends on the gateway's page
    )
    app.json = PlainJSON(app)
    app.jinja_env.filters["day"] = day_shown  # a date field's value: 23/11/2026 (templates/shared/day_field.html)
    app.extensions["omnitoko_central"] = central_context(config, db, web=True)  # with the web's time limits
    install_metrics(app, app.extensions["omnitoko_central"])  # /metrics, request ids (issue 19)
    install_push_lane(app, config.server.push_slots)  # pushes take turns, pulls never wait behind them
    app.register_api(sync_api)
    app.register_api(recovery_api)  # a store restoring a backup asks what central holds (issue 19)
    app.register_api(loyalty_api)  # loyalty (issue 5): members, holds; the account page below
    app.register_blueprint(loyalty_pages)
    app.register_blueprint(admin)
    app.register_blueprint(admin_members)  # loyalty at the admin: members, allowances, debts
    app.register_blueprint(admin_products)  # products and prices, a product's stock by place
    app.register_blueprint(admin_promotions)  # promotions: new, listed, ended
    app.register_blueprint(admin_reconciliation)  # reconciliation tasks: resolved, reopened, as CSV
    app.register_blueprint(admin_payments)  # online payments: refunds, alerts (issue 17)
    app.register_blueprint(admin_sales)  # head office's sales by store
    app.register_blueprint(admin_cash)  # the tills' cash moved in and out of their drawers, by store
    app.register_blueprint(admin_transfers)  # stock transfers in transit, open differences (issue 17)
    app.register_api(carts_api)  # online carts (issue 6): stores claim, release, check out
    app.register_api(till_qris_api)  # dynamic QRIS at the stores' tills (issue 17)
    app.register_blueprint(shop)  # the online shop at /shop
    app.register_blueprint(shop_card)  # the member card whose points the shop's orders earn
    app.register_blueprint(shop_pay)  # paying a cart online through the gateway (issue 17)
    app.register_blueprint(payment_notifications)  # the gateway's signed notifications
    register_error_handlers(app)
    # Every view is one service call: after a deadlock or serialization failure it is run again from the start.
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            # Flask types a view as sync or async; every view here is sync, which the retry loop needs to see its run.
            app.view_functions[endpoint] = retried(cast(Callable[..., ResponseReturnValue], view))
    install_idle_pulls(app)  # a pull with nothing new is answered before Flask's full dispatch (idle_pull.py)
    return app
