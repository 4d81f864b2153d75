"""Socket.IO: till pages and customer displays join their till's room and get every change live."""
from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO, join_room

from pos.services.context import Notifier


def room(till_id: str) -> str:
    return f"till:{till_id}"


def register(socketio: SocketIO) -> None:
    @socketio.on("join")
    def _join(data: Any) -> dict[str, Any]:
        till = str((data or {}).get("till", ""))[:16] if isinstance(data, dict) else ""
        if not till:
            return {"ok": False, "error": "name a till"}
        join_room(room(till))
        return {"ok": True, "room": room(till)}


def notifier(socketio: SocketIO) -> Notifier:
    """Send service notifications to the till's room; a failed emit never fails the sale."""
    def notify(topic: str, data: dict[str, Any]) -> None:
        till = data.get("till_id")
        try:
            if till:
                socketio.emit(topic, data, to=room(str(till)))
            else:
                socketio.emit(topic, data)
        except Exception:  # noqa: BLE001 - a display that cannot be reached must not break the till
            pass
    return notify
