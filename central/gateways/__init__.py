"""Payment gateway adapters (the port is central/services/gateway.py); `build_gateway` picks one from config."""

from __future__ import annotations

from urllib.parse import urlsplit

from central.config import PaymentsTable
from central.services.gateway import PaymentGateway

from .midtrans import MidtransGateway


def gateway_base_url(payments: PaymentsTable) -> str:
    """Where the Core API lives: the configured URL, the stand-in, or "" for Midtrans' own."""
    if payments.base_url:
        return payments.base_url.rstrip("/")
    if payments.gateway == "standin":
        return f"http://{payments.standin_host}:{payments.standin_port}"
    return ""


# Where Midtrans' Snap sends a shopper to pay (its redirect_url), by `is_production`.
MIDTRANS_PAY_PAGES = {False: "https://app.sandbox.midtrans.com", True: "https://app.midtrans.com"}


def pay_page_origin(payments: PaymentsTable) -> str:
    """The origin of the page the shop's "Pay" sends a shopper to: the pages' policy lets a form lead there."""
    base = gateway_base_url(payments)
    if not base:
        return MIDTRANS_PAY_PAGES[payments.is_production]
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def build_gateway(payments: PaymentsTable) -> PaymentGateway:
    """The stand-in speaks Midtrans' contract, so one adapter (the official client) serves both."""
    return MidtransGateway(
        payments.server_key,
        is_production=payments.is_production,
        base_url=gateway_base_url(payments),
        timeout=payments.timeout_seconds,
    )
