"""The store server's app factory: Flask + flask-openapi3 for the API + Flask-SocketIO."""

from __future__ import annotations

from pathlib import Path

from flask_openapi3 import Info, OpenAPI, SecurityScheme
from flask_socketio import SocketIO

from common.days import day_shown
from common.db import Database
from common.web.errors import register_error_handlers, validation_error_response
from common.web.hardening import harden
from common.web.limits import limit_bodies
from common.web.plain_json import PlainJSON
from kiosk.web import kiosk
from pos import bootstrap
from pos.adapters.config import StoreConfig

from . import sockets
from .api.kiosk_api import kiosk_api, till_kiosk_api
from .api.kiosk_device import api as kiosk_device_api
from .api.loyalty_api import api as loyalty_api
from .api.loyalty_api import kiosk_points_api
from .api.online_carts_api import kiosk_online_api, till_online_api
from .api.online_orders_api import till_orders_api
from .api.printing_api import api as printing_api
from .api.qris_api import api as qris_api
from .api.sales_api import api as sales_api
from .api.schemas import ErrorOut
from .api.till_api import api as till_api
from .api.transactions_api import api as transactions_api
from .manager import create_blueprint as manager_blueprint
from .metrics import install as install_metrics
from .pages import pages
from .receipts import receipt_pages

ROOT = Path(__file__).resolve().parents[2]


def create_app(config: StoreConfig, db: Database | None = None) -> OpenAPI:
    app = OpenAPI(
        "omnitoko.store",
        info=Info(title="Omnitoko store server API", version="1"),
        security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")},
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        validation_error_status=400,
        validation_error_callback=validation_error_response,
        responses={400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(SECRET_KEY=config.server.secret_key)
    limit_bodies(app, config.server.max_body_bytes)
    app.json = PlainJSON(app)
    app.jinja_env.filters["day"] = day_shown  # a date field's value: 23/11/2026 (templates/shared/day_field.html)
    harden(
        app,
        config.server,
        env_name="OMNITOKO_SERVER__SECRET_KEY",
        init_command="omnitoko store init",
        cookie="omnitoko_store",
    )
    socketio = SocketIO(app, async_mode="threading")
    notices = sockets.Notices(socketio)
    app.extensions["omnitoko"] = bootstrap.store_context(config, db, notify=notices.notify)
    install_metrics(app, app.extensions["omnitoko"])  # /metrics, request ids (issue 19)
    sockets.register(socketio, notices)
    app.register_api(till_api)
    app.register_api(sales_api)
    app.register_api(transactions_api)
    app.register_api(qris_api)  # dynamic QRIS at the till (issue 17)
    app.register_api(kiosk_api)
    app.register_api(kiosk_device_api)
    app.register_api(till_kiosk_api)
    app.register_blueprint(kiosk)
    app.register_api(printing_api)
    app.register_api(loyalty_api)
    app.register_api(kiosk_points_api)
    app.register_api(kiosk_online_api)
    app.register_api(till_online_api)
    app.register_api(till_orders_api)
    app.register_blueprint(pages)
    app.register_blueprint(receipt_pages)
    app.register_blueprint(manager_blueprint())
    register_error_handlers(app)
    return app


def socketio_of(app: OpenAPI) -> SocketIO:
    return app.extensions["socketio"]
