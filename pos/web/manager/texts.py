"""The manager screens' words (catalog `manager`, static/i18n/manager.json) and error messages by error code."""

from __future__ import annotations

from typing import Any

from common import i18n
from common.errors import DomainError

LOCALES = i18n.LOCALES


def catalog() -> i18n.Catalog:
    """Both languages of the manager catalog."""
    return i18n.catalog("manager")


def text(locale: str, key: str, /, **values: Any) -> str:
    """The text for `key` with {values} filled (the key itself when the catalog lacks it)."""
    return i18n.text("manager", locale, key, **values)


def error_text(locale: str, err: DomainError) -> str:
    """An error in the manager's language: the screens' own words for its code, else the API's, else the service's."""
    template = i18n.messages("manager", locale).get(f"err.{err.code}")
    if template is not None:
        try:
            return i18n.fill(template, i18n.shown_detail(locale, err.detail))
        except (KeyError, ValueError, IndexError):
            pass
    return i18n.error_message(locale, err.code, err.message, err.detail)
