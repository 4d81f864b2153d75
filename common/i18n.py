"""Every text people read, in Bahasa Indonesia (the default) and English: one mechanism for both servers.

The words live in catalogs, one JSON file per app under `static/i18n/` (`{"id": {key: text}, "en": {key: text}}`):
`pos` (till and customer display), `kiosk`, `manager`, `shop`, `admin` (central admin and loyalty pages),
`receipt` (printed and digital receipts), `status` (the till's printer and sync badges), `errors` (API error
messages by error code), `promotions` (a multi-buy's deal in words, said alike on shelf labels, kiosk, shop, manager
and admin). Python reads them here (templates, receipts, badges, API errors); the browser fetches
the same files from /static/i18n/ (static/shared/kit.js). A text is `{name}`-templated; a key ending in `_one`
is the singular form used when the value `n` is 1. A test holds both languages to the same keys.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from .measure import WEIGHT, format_qty
from .money import group_thousands
from .throttle import wait_unit

LOCALES: tuple[str, ...] = ("id", "en")
DEFAULT = "id"
CATALOG_DIR = Path(__file__).resolve().parents[1] / "static" / "i18n"
Catalog = dict[str, dict[str, str]]


def domains() -> list[str]:
    return sorted(p.stem for p in CATALOG_DIR.glob("*.json"))


@cache
def catalog(domain: str) -> Catalog:
    """Both languages of one app's catalog (read once per process)."""
    data: Catalog = json.loads((CATALOG_DIR / f"{domain}.json").read_text(encoding="utf-8"))
    return data


def locale_or_default(wanted: str | None, default: str = DEFAULT) -> str:
    if wanted in LOCALES:
        return wanted
    return default if default in LOCALES else DEFAULT


def messages(domain: str, locale: str) -> dict[str, str]:
    """One language of a catalog (the default language when `locale` is not one of ours)."""
    return catalog(domain)[locale_or_default(locale)]


def fill(template: str, values: Mapping[str, object]) -> str:
    """`template` with its {names} filled; a name with no value raises KeyError."""
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    missing = names - values.keys()
    if missing:
        raise KeyError(", ".join(sorted(missing)))
    return template.format(**values)


class _Keep(dict[str, object]):
    """Format values where a {name} with no value stays as written (as the browser's fill does)."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def has(domain: str, locale: str, key: str) -> bool:
    return key in messages(domain, locale)


def text(domain: str, locale: str, key: str, /, **values: object) -> str:
    """The text for `key` in `locale` with {values} filled; `key_one` when n == 1; the key itself if unknown."""
    words = messages(domain, locale)
    if values.get("n") in (1, "1") and f"{key}_one" in words:  # 1, or 1 as grouped for display
        key = f"{key}_one"
    raw = words.get(key, key)
    return raw.format_map(_Keep(values)) if values else raw


def both(domain: str, key: str, /, **values: object) -> dict[str, str]:
    """The text in every language, for a server-made text the browser may show in either: {"id": .., "en": ..}."""
    return {loc: text(domain, loc, key, **values) for loc in LOCALES}


def error_message(locale: str, code: str, fallback: str, detail: Mapping[str, object]) -> str:
    """An API error's message in `locale` when the `errors` catalog knows its code, else the service's own words."""
    template = messages("errors", locale).get(code)
    if template is None:
        return fallback
    values = shown_detail(locale, detail)
    try:
        return fill(template, values)
    except (KeyError, ValueError, IndexError):
        return fallback


def shown_detail(locale: str, detail: Mapping[str, object]) -> dict[str, object]:
    """An error's detail as people read it in `locale`: amounts in Rupiah, a wait as "4 menit"."""
    values = {k: _rupiah(v) if k in MONEY_DETAILS and isinstance(v, int) else v for k, v in detail.items()}
    for k, v in detail.items():  # a name given in every language ({"id": .., "en": ..}): the one for `locale`
        if isinstance(v, Mapping) and locale in v:
            values[k] = v[locale]
    weighed = detail.get("measure") == WEIGHT
    for k in QTY_DETAILS.intersection(detail):
        v = detail[k]
        if isinstance(v, int) and not isinstance(v, bool):  # "1.500" items, a weighed product's grams as "1,500 kg"
            values[k] = format_qty(v, WEIGHT, ",") if weighed else group_thousands(v)
    short = detail.get("short")
    if isinstance(short, list):  # what is short, [[name, left], ...]: "Aqua 600ml (sisa 0)"
        values["short"] = ", ".join(text("errors", locale, "short_item", name=name, n=left) for name, left in short)
    waiting = detail.get("wait_seconds")
    if isinstance(waiting, int):  # not the service's English "4 minutes"
        values["wait"] = say_wait(locale, waiting)
    return values


def say_wait(locale: str, seconds: int) -> str:
    """How long to wait, in `locale`: "4 menit", "30 seconds", "2 jam" (rounded up)."""
    n, unit = wait_unit(seconds)
    return text("errors", locale, f"wait.{unit}", n=n)


# Error details that are Rupiah amounts (static/pos/common.js lists the same for the till).
MONEY_DETAILS = frozenset({"max", "remaining", "amount", "due", "change", "largest"})
QTY_DETAILS = frozenset({"qty", "on_hand"})  # error details that are quantities (grams when `measure` is weight)


def _rupiah(amount: int) -> str:
    return f"{'-' if amount < 0 else ''}Rp {abs(amount):,}".replace(",", ".")


def request_locale(
    explicit: Iterable[str | None], accept_language: str | None, default: str | None = None
) -> str | None:
    """The caller's language: the first explicit choice (?lang=, the screen's cookie or session), else the best
    Accept-Language match, else `default` (None: the caller did not say)."""
    return first_locale(explicit) or best_match(accept_language) or default


def best_match(accept_language: str | None) -> str | None:
    """The first of our languages an Accept-Language header asks for (by its q order), or None."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        ranked.append((-q, i, tag.strip().lower().split("-")[0]))
    for neg_q, _, tag in sorted(ranked):
        if neg_q < 0 and tag in LOCALES:
            return tag
    return None


def first_locale(candidates: Iterable[str | None]) -> str | None:
    """The first candidate that is one of our languages."""
    return next((c for c in candidates if c in LOCALES), None)
