"""The store server's language for a request: ?lang=, then the `lang` cookie the screens set, then config.

The words themselves are in the catalogs read by `common.i18n` (static/i18n/<app>.json).
"""

from __future__ import annotations

from flask import request

from common.i18n import LOCALES, first_locale, locale_or_default, messages

from .api.common import ctx

__all__ = ["LOCALES", "messages", "page_locale"]


def page_locale() -> str:
    """The language a store page is rendered in (Indonesian unless chosen otherwise)."""
    wanted = first_locale((request.args.get("lang"), request.cookies.get("lang")))
    return locale_or_default(wanted, ctx().config.i18n.default_locale)
