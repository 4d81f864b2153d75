"""A sliding one-minute window per key (a kiosk and what it does): how many it may do, and how long to wait."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


class RateLimiter:
    """In memory: the store server is one process, and a restart forgets at most a minute of counting."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def take(self, keys: list[tuple[str, int]], now: datetime) -> timedelta | None:
        """Count one use of every key, or none of them: None when all are under their limit, else the wait."""
        with self._lock:
            waits = []
            for key, limit in keys:
                seen = self._seen.setdefault(key, deque())
                while seen and seen[0] <= now - WINDOW:
                    seen.popleft()
                if len(seen) >= limit:
                    waits.append(seen[len(seen) - limit] + WINDOW - now)
            if waits:
                return max(max(waits), timedelta(seconds=1))
            for key, _ in keys:
                self._seen[key].append(now)
            return None
