"""Helpers for the online-cart tests: a movable central clock, carts made through the shop's services, and the
stores' cart API called over real HTTP (requests), as a store server calls it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import requests

from central.services import carts
from central.services.context import CentralContext
from common.tables import utcnow

AQUA_330, AQUA_600 = "SKU-00001", "SKU-00002"  # Rp 3.500 and Rp 4.500 in the demo catalog


class Clock:
    """Central's clock, moved by the test (lease and cart expiry are on central's clock)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def use_clock(ctx: CentralContext) -> Clock:
    clock = Clock()
    ctx.clock = clock
    return clock


def new_cart(
    ctx: CentralContext, items: list[tuple[str, int]] | None = None, pickup: str | None = None
) -> dict[str, Any]:
    view: dict[str, Any] | None = None
    for sku, qty in items or [(AQUA_330, 2), (AQUA_600, 1)]:
        view = carts.add_item(ctx, view["id"] if view else None, sku, qty)
    assert view is not None
    if pickup:
        view = carts.choose_store(ctx, view["id"], pickup)
    return view


class StoreCalls:
    """POST /api/v1/carts/... with one store's token; returns (status, body)."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.http = base + "/api/v1/carts", requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = self.http.post(self.base + path, json=body, timeout=30)
        assert r.status_code < 500, f"{path} answered {r.status_code}: {r.text}"
        return r.status_code, r.json()

    def claim(self, code: str, device: str = "T1", fence: int | None = None) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"code": code, "device_id": device}
        if fence is not None:
            body["fence"] = fence
        return self.post("/claim", body)

    def release(self, cart_id: str, fence: int, device: str = "T1") -> tuple[int, dict[str, Any]]:
        return self.post(f"/{cart_id}/release", {"device_id": device, "fence": fence})

    def checkout(
        self, cart_id: str, fence: int, checkout_id: str | None = None, device: str = "T1", total: int = 11_500
    ) -> tuple[int, dict[str, Any]]:
        checkout_id = checkout_id or str(uuid.uuid4())
        return self.post(
            f"/{cart_id}/checkout",
            {
                "device_id": device,
                "fence": fence,
                "checkout_id": checkout_id,
                "sale_id": checkout_id,
                "number": f"TOKO-01-{device}-{checkout_id[:6]}",
                "till_id": device,
                "total": total,
                "completed_at": "2026-11-24T07:05:00",
            },
        )


def code_of(body: dict[str, Any]) -> str:
    return str((body.get("error") or {}).get("code"))
