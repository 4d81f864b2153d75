"""Payment gateway adapters (the port is central/services/gateway.py); `build_gateway` picks one from config."""

from __future__ import annotations

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


def build_gateway(payments: PaymentsTable) -> PaymentGateway:
    """The stand-in speaks Midtrans' contract, so one adapter (the official client) serves both."""
    return MidtransGateway(
        payments.server_key,
        is_production=payments.is_production,
        base_url=gateway_base_url(payments),
        timeout=payments.timeout_seconds,
    )
