"""The till's sync badge: green when in step, "offline 2 h, 143 sales waiting" when not (Bahasa and English).

The words are in the `status` catalog (static/i18n/status.json); the badge carries both languages so the till can
switch in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.i18n import LOCALES, text

OFFLINE_ERROR_SECONDS = 3600  # offline this long turns the badge red
WAITING_WARN_SECONDS = 120  # an event unsent this long (with no error yet) turns it amber


def _say(loc: str, key: str, **values: Any) -> str:
    return text("status", loc, key, **values)


def duration(seconds: float, loc: str) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return _say(loc, "duration.s", n=s)
    if s < 3600:
        return _say(loc, "duration.min", n=s // 60)
    if s < 48 * 3600:
        return _say(loc, "duration.h", n=s // 3600)
    return _say(loc, "duration.days", n=s // 86400)


def _waiting(q: dict[str, Any], loc: str) -> str:
    sales, depth = q["sales_waiting"], q["queue_depth"]
    if sales and sales == depth:
        return _say(loc, "sync.waiting_sales", n=sales)
    if sales:
        return _say(loc, "sync.waiting_mixed", n=sales, other=depth - sales)
    return _say(loc, "sync.waiting_events", n=depth)


def _words(
    status: dict[str, Any], queue: dict[str, Any], now: datetime, configured: bool, interval: float, loc: str
) -> tuple[str, str]:
    """(level, text) of the badge in one language."""
    last_ok, last_err = status.get("last_success_at"), status.get("last_error_at")
    oldest, depth = queue["oldest_unsent_at"], queue["queue_depth"]
    waiting = _waiting(queue, loc)
    if not configured:
        return "warn", _say(loc, "sync.not_set_up_waiting", waiting=waiting) if depth else _say(loc, "sync.not_set_up")
    if queue["dead_letters"]:
        return "error", _say(loc, "sync.refused", n=queue["dead_letters"])
    stale = status.get("last_round_at") is None or (now - status["last_round_at"]).total_seconds() > max(
        60.0, 6 * interval
    )
    failing = last_err is not None and (last_ok is None or last_err >= last_ok)
    if failing or stale:
        since = last_ok or oldest or status.get("last_round_at")
        age = (now - since).total_seconds() if since else 0.0
        level = "error" if age >= OFFLINE_ERROR_SECONDS else "warn"
        head = _say(loc, "sync.offline_for", duration=duration(age, loc)) if since else _say(loc, "sync.offline")
        if not failing:
            head = _say(loc, "sync.agent_stopped")
        tail = waiting if depth else _say(loc, "sync.nothing_waiting")
        return level, _say(loc, "sync.trouble", head=head, tail=tail)
    if depth and oldest is not None and (now - oldest).total_seconds() > WAITING_WARN_SECONDS:
        return "warn", _say(loc, "sync.behind", duration=duration((now - oldest).total_seconds(), loc), waiting=waiting)
    if depth:
        return "ok", _say(loc, "sync.sending", waiting=waiting)
    return "ok", _say(loc, "sync.in_sync")


def badge(
    status: dict[str, Any] | None, queue: dict[str, Any], now: datetime, configured: bool, interval: float
) -> dict[str, Any]:
    """The payload of the "sync_status" Socket.IO event, from the agent's row and the live queue figures."""
    said = {loc: _words(status or {}, queue, now, configured, interval, loc) for loc in LOCALES}
    texts = {loc: words for loc, (_, words) in said.items()}
    return {
        "queue": queue["queue_depth"],
        "sales_waiting": queue["sales_waiting"],
        "dead_letters": queue["dead_letters"],
        "level": said["id"][0],
        "text": texts["id"],
        "text_en": texts["en"],
        "texts": texts,
    }
