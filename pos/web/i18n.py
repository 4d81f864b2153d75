"""Till, display and kiosk texts in Bahasa Indonesia (default) and English."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).resolve().parents[2] / "static" / "pos" / "i18n.json"
LOCALES = ("id", "en")


def messages(locale: str) -> dict[str, Any]:
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    return data.get(locale if locale in LOCALES else "id", {})
