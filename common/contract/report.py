"""The store's health as its sync agent reports it on every sync call: one `X-Omnitoko-Status` header.

`version=0.1.0;depth=3;oldest=42;dead=0;printer=ok;waiting=0;round=0.41;cursor=123;clock=2026-12-04T11:46:28Z`
Keys central does not know are ignored, and so is a value that does not parse: a report never fails a sync.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

HEADER = "X-Omnitoko-Status"
INTS = ("depth", "oldest", "dead", "waiting", "cursor")
FLOATS = ("round",)
TEXTS = {"version": re.compile(r"^[A-Za-z0-9.+_-]{1,32}$"), "printer": re.compile(r"^(ok|warn|error|none)$")}


def format_report(values: dict[str, Any]) -> str:
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, float):
            value = f"{value:.3f}"
        parts.append(f"{key}={value}")
    return ";".join(parts)


def parse_report(header: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in (header or "")[:1000].split(";"):
        key, _, raw = part.strip().partition("=")
        try:
            if key in INTS:
                out[key] = max(0, min(int(raw), 2**53))
            elif key in FLOATS:
                out[key] = max(0.0, min(float(raw), 1e6))
            elif key in TEXTS and TEXTS[key].match(raw):
                out[key] = raw
            elif key == "clock":
                out[key] = datetime.fromisoformat(raw)
        except ValueError:
            continue
    return out
