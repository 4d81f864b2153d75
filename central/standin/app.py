"""The stand-in gateway's HTTP face: Midtrans' paths (Snap /snap/v1/transactions, Core /v2/...), a payment page
where the shopper presses Pay, Cancel or lets it expire, and notifications POSTed to the central store."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import requests
from flask import Flask, abort, jsonify, redirect, render_template, request

from common.errors import DomainError
from common.money import format_money

from .ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger("omnitoko.standin")


def post_notification(url: str, timeout: float = 5, tries: int = 3):
    """Send each notification until the central store answers 2xx (a few tries), as Midtrans retries."""

    def send(body: dict[str, Any]) -> None:
        for attempt in range(tries):
            try:
                r = requests.post(url, json=body, timeout=timeout)
                if r.status_code < 300:
                    return
                log.warning("notification for %s answered %s", body.get("order_id"), r.status_code)
                if r.status_code < 500:
                    return  # refused on purpose: retrying the same body will not help
            except requests.RequestException as e:
                log.warning("notification for %s not delivered: %s", body.get("order_id"), type(e).__name__)
            time.sleep(0.2 * (attempt + 1))

    return send


def _error(e: DomainError):
    code = e.code if e.code.isdigit() else str(e.status)
    return jsonify({"status_code": code, "status_message": e.message}), int(code) if code.isdigit() else e.status


def create_standin_app(ledger: Ledger, public_url: str = "") -> Flask:
    app = Flask("omnitoko.standin", template_folder=str(ROOT / "templates"), static_folder=None)
    app.extensions["standin"] = ledger

    def base() -> str:
        return (public_url or request.host_url).rstrip("/")

    def api_auth() -> None:
        auth = request.authorization
        if auth is None or not ledger.authorized(auth.username or ""):
            abort(jsonify({"status_code": "401", "status_message": "Access denied: check the server key"}), 401)

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        return _error(e)

    @app.get("/health")
    def health():
        ledger.expire_due()
        return jsonify({"ok": True, "gateway": "stand-in"})

    @app.post("/snap/v1/transactions")
    def snap_create():
        api_auth()
        body = request.get_json(silent=True) or {}
        details = body.get("transaction_details") or {}
        expiry = body.get("expiry") or {}
        amount = details.get("gross_amount")
        if not isinstance(amount, int):
            raise DomainError("400", "transaction_details.gross_amount is a whole number")
        txn = ledger.create(
            str(details.get("order_id") or ""),
            amount,
            str((body.get("callbacks") or {}).get("finish") or ""),
            int(expiry.get("duration") or 60),
            list(body.get("item_details") or []),
        )
        return jsonify({"token": txn.token, "redirect_url": f"{base()}/snap/v2/vtweb/{txn.token}"}), 201

    @app.post("/v2/charge")
    def charge():
        api_auth()
        body = request.get_json(silent=True) or {}
        if body.get("payment_type") != "qris":
            raise DomainError("400", "the stand-in charges payment_type qris only")
        details = body.get("transaction_details") or {}
        amount = details.get("gross_amount")
        if not isinstance(amount, int):
            raise DomainError("400", "transaction_details.gross_amount is a whole number")
        minutes = int((body.get("custom_expiry") or {}).get("expiry_duration") or 15)
        txn = ledger.charge_qris(str(details.get("order_id") or ""), amount, minutes)
        out = ledger.status_body(txn)
        out.pop("signature_key")
        out["qr_string"] = txn.qr_string
        out["actions"] = [{"name": "generate-qr-code", "method": "GET", "url": f"{base()}/standin/qris/{txn.token}"}]
        return jsonify(out)

    @app.get("/v2/<order_id>/status")
    def status(order_id: str):
        api_auth()
        return jsonify(ledger.status_body(ledger.by_order(order_id)))

    @app.post("/v2/<order_id>/refund")
    def refund(order_id: str):
        api_auth()
        body = request.get_json(silent=True) or {}
        amount = body.get("amount")
        if not isinstance(amount, int):
            raise DomainError("400", "amount is a whole number")
        out = ledger.refund(order_id, str(body.get("refund_key") or ""), amount, str(body.get("reason") or "")[:200])
        return jsonify({"status_code": "200", "status_message": "Success, refund request is approved", **out})

    @app.post("/v2/<order_id>/cancel")
    def cancel(order_id: str):
        api_auth()
        ledger.cancel(ledger.by_order(order_id).token)
        return jsonify(ledger.status_body(ledger.by_order(order_id)))

    @app.get("/snap/v2/vtweb/<token>")
    @app.get("/standin/qris/<token>")
    def page(token: str):
        ledger.expire_due()
        txn = ledger.by_token(token)
        back = _finish_url(txn, txn.status) if txn.status not in OPEN else None
        return render_template("standin/pay.html", txn=txn, money=format_money, back=back)

    @app.post("/standin/scan")
    def scan_and_pay():
        """A shopper's bank app: the scanned QRIS text (form field or JSON `qr`) is paid at once."""
        body = request.get_json(silent=True) or request.form
        ledger.expire_due()
        txn = ledger.by_qr(str(body.get("qr") or "")[:512])
        ledger.pay(txn.token, "qris")
        out = ledger.status_body(txn)
        out.pop("signature_key")
        return jsonify(out)

    @app.post("/snap/v2/vtweb/<token>/<action>")
    def act(token: str, action: str):
        txn = ledger.by_token(token)
        if txn.status not in OPEN:  # pressed again after Back, or on a stale page: where the payment stands
            return redirect(_finish_url(txn, txn.status) or f"{base()}/snap/v2/vtweb/{token}")
        if action == "pay":
            ledger.pay(token, (request.form.get("method") or "qris")[:20])
            result = "settlement"
        elif action == "cancel":
            ledger.cancel(token)
            result = "cancel"
        elif action == "expire":
            ledger.expire(token)
            result = "expire"
        else:
            abort(404)
        return redirect(_finish_url(txn, result) or f"{base()}/snap/v2/vtweb/{token}")

    return app


OPEN = ("created", "pending")  # a payment the page can still pay, cancel or let expire


def _finish_url(txn: Any, result: str) -> str | None:
    """Where the shop asked the shopper to be sent back, with the payment's outcome (as Midtrans adds it)."""
    if not txn.finish_url:
        return None
    sep = "&" if "?" in txn.finish_url else "?"
    code = "200" if result == "settlement" else "202"
    return f"{txn.finish_url}{sep}order_id={txn.order_id}&status_code={code}&transaction_status={result}"
