"""The till's sync badge: green when in step, "offline 2 h, 143 sales waiting" when not (Bahasa and English)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

OFFLINE_ERROR_SECONDS = 3600  # offline this long turns the badge red
WAITING_WARN_SECONDS = 120  # an event unsent this long (with no error yet) turns it amber


def duration(seconds: float) -> tuple[str, str]:
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} detik", f"{s} s"
    if s < 3600:
        return f"{s // 60} menit", f"{s // 60} min"
    if s < 48 * 3600:
        return f"{s // 3600} jam", f"{s // 3600} h"
    return f"{s // 86400} hari", f"{s // 86400} days"


def _waiting(q: dict[str, Any]) -> tuple[str, str]:
    sales, depth = q["sales_waiting"], q["queue_depth"]
    if sales and sales == depth:
        return f"{sales} penjualan menunggu", f"{sales} sales waiting"
    if sales:
        return (
            f"{sales} penjualan (+{depth - sales} lainnya) menunggu",
            f"{sales} sales (+{depth - sales} other) waiting",
        )
    return f"{depth} transaksi menunggu", f"{depth} events waiting"


def badge(
    status: dict[str, Any] | None, queue: dict[str, Any], now: datetime, configured: bool, interval: float
) -> dict[str, Any]:
    """The payload of the "sync_status" Socket.IO event, from the agent's row and the live queue figures."""
    out = {
        "queue": queue["queue_depth"],
        "sales_waiting": queue["sales_waiting"],
        "dead_letters": queue["dead_letters"],
    }
    status = status or {}
    last_ok, last_err = status.get("last_success_at"), status.get("last_error_at")
    oldest, depth = queue["oldest_unsent_at"], queue["queue_depth"]
    waiting_id, waiting_en = _waiting(queue)
    if not configured:
        return {
            **out,
            "level": "warn",
            "text": "Sinkronisasi belum diatur" + (f", {waiting_id}" if depth else ""),
            "text_en": "Sync not set up" + (f", {waiting_en}" if depth else ""),
        }
    if queue["dead_letters"]:
        n = queue["dead_letters"]
        return {
            **out,
            "level": "error",
            "text": f"{n} transaksi ditolak pusat: lihat halaman manajer",
            "text_en": f"{n} events refused by central: see the manager page",
        }
    stale = status.get("last_round_at") is None or (now - status["last_round_at"]).total_seconds() > max(
        60.0, 6 * interval
    )
    failing = last_err is not None and (last_ok is None or last_err >= last_ok)
    if failing or stale:
        since = last_ok or oldest or status.get("last_round_at")
        age = (now - since).total_seconds() if since else 0.0
        d_id, d_en = duration(age)
        level = "error" if age >= OFFLINE_ERROR_SECONDS else "warn"
        head_id, head_en = (f"Offline {d_id}", f"offline {d_en}") if since else ("Offline", "offline")
        if not failing:
            head_id, head_en = "Agen sinkronisasi tidak berjalan", "sync agent not running"
        tail_id, tail_en = (waiting_id, waiting_en) if depth else ("tidak ada yang menunggu", "nothing waiting")
        return {**out, "level": level, "text": f"{head_id}, {tail_id}", "text_en": f"{head_en}, {tail_en}"}
    if depth and oldest is not None and (now - oldest).total_seconds() > WAITING_WARN_SECONDS:
        d_id, d_en = duration((now - oldest).total_seconds())
        return {
            **out,
            "level": "warn",
            "text": f"Terlambat {d_id}, {waiting_id}",
            "text_en": f"{d_en} behind, {waiting_en}",
        }
    if depth:
        return {**out, "level": "ok", "text": f"Mengirim: {waiting_id}", "text_en": f"sending: {waiting_en}"}
    return {**out, "level": "ok", "text": "Tersinkron", "text_en": "in sync"}
