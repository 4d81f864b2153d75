"""Socket.IO: till pages and customer displays join their till's room and get every change live."""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app
from flask_socketio import SocketIO, emit, join_room

from pos.services import loyalty
from pos.services.sale_views import open_sale_of_till

# Device states worth showing at once to a page that (re)connects, not only at the next change.
STICKY_TOPICS = ("printer_status", "sync_status")
# What a till's room hears of a member: its customer display joins the room with no sign-in, so never the member's
# card (their QR, which lets a till spend their points), number, phone or name. A completed sale's points
# ("loyalty"), and the member on an open sale ("member", topic sale_member).
ROOM_MEMBER = {
    "loyalty": ("masked_name", "earned", "redeemed", "balance"),
    "member": ("masked_name", "balance", "earn_per_amount", "point_value"),
}


def for_room(data: dict[str, Any]) -> dict[str, Any]:
    for key, shown in ROOM_MEMBER.items():
        if isinstance(data.get(key), dict):
            data = {**data, key: {k: data[key].get(k) for k in shown}}
    return data


def room(till_id: str) -> str:
    return f"till:{till_id}"


class Notices:
    """Emits service notifications and remembers the last sticky status per till (or store-wide)."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio
        self._last: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def notify(self, topic: str, data: dict[str, Any]) -> None:
        data = for_room(data)
        till = str(data.get("till_id") or "")
        if topic in STICKY_TOPICS:
            with self._lock:
                self._last[(topic, till)] = data
        try:
            if till:
                self.socketio.emit(topic, data, to=room(till))
            else:
                self.socketio.emit(topic, data)
        except Exception:  # noqa: BLE001 - a display that cannot be reached must not break the till
            pass

    def sticky_for(self, till: str) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            return [(topic, data) for (topic, t), data in self._last.items() if t in ("", till)]


def register(socketio: SocketIO, notices: Notices) -> None:
    @socketio.on("join")
    def _join(data: Any) -> dict[str, Any]:
        till = str((data or {}).get("till", ""))[:16] if isinstance(data, dict) else ""
        if not till:
            return {"ok": False, "error": "name a till"}
        join_room(room(till))
        # A display that connects mid-sale shows the sale at once, and the device badges too.
        ctx = current_app.extensions["omnitoko"]
        sale = open_sale_of_till(ctx, till)
        if sale is not None:
            emit("sale", sale)
            member = loyalty.sale_member(ctx, sale["id"])["member"]
            if member is not None:
                emit("sale_member", for_room({"till_id": till, "sale_id": sale["id"], "member": member}))
        for topic, status in notices.sticky_for(till):
            emit(topic, status)
        return {"ok": True, "room": room(till)}
