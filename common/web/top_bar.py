"""The top bar both back offices draw (the store's manager screens, head office's admin pages): its sections, each in
the row or under a grouped More menu (templates/shared/top_bar.html), and which section a page belongs to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class NavItem(NamedTuple):
    endpoint: str
    key: str  # its name in the screens' catalog
    place: str  # "row": always in the top bar; "wide": in it on a wide screen, under More below; "more": under More
    group: str  # its heading under More (the screens' NAV_GROUPS), for a "wide" or "more" one


def section_of(path: str, prefixes: Mapping[str, str]) -> str:
    """The section (its key) of the longest address prefix that `path` is, is below, or is a file of
    ("/manager/reports.csv" is the reports'); "" for none. A prefix ending in "/" counts only for itself."""
    best = max(
        (p for p in prefixes if path == p or path.startswith(p + "/") or path.startswith(p + ".")), key=len, default=""
    )
    return prefixes.get(best, "")
