"""The manager screens' words in Bahasa Indonesia (default) and English, and error messages by error code."""

from __future__ import annotations

import json
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

from common.errors import DomainError

CATALOG = Path(__file__).resolve().parents[3] / "static" / "manager" / "i18n.json"
LOCALES = ("id", "en")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def text(locale: str, key: str, **values: Any) -> str:
    """The text for `key` (English, then the key itself, when a translation is missing), with {values} filled."""
    cat = catalog()
    raw = cat.get(locale, {}).get(key) or cat["en"].get(key) or key
    return _fill(raw, values) if values else raw


def _fill(template: str, values: dict[str, Any]) -> str:
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if not names <= values.keys():
        raise KeyError(", ".join(sorted(names - values.keys())))
    return template.format(**values)


def error_text(locale: str, err: DomainError) -> str:
    """An error in the manager's language when the catalog knows its code, else the service's own message."""
    template = catalog().get(locale, {}).get(f"err.{err.code}")
    if template is None:
        return err.message
    try:
        return _fill(template, dict(err.detail))
    except (KeyError, ValueError, IndexError):
        return err.message
