"""Head office's top bar: its sections, which are in the row and which under More, and the section of the page shown
(drawn by templates/shared/top_bar.html, as the store's manager screens draw theirs)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from common.web.top_bar import NavItem, section_of

# One row at 1024 px and up in either language (Bahasa Indonesia's words are the longer): the sections head office
# works in every day are one click away; the money checked weekly, stock in transit and the sign-in locks are under
# More, grouped, two clicks away (store cash and transfers are in the row too on a screen 1600 px wide or more).
NAV = [
    NavItem("admin.dashboard", "nav.stores", "row", ""),
    NavItem("admin_sales.sales", "nav.sales", "row", ""),
    NavItem("admin_products.products", "nav.products", "row", ""),
    NavItem("admin_promotions.promotions", "nav.promotions", "row", ""),
    NavItem("admin_members.search", "nav.members", "row", ""),
    NavItem("admin_payments.listing", "nav.payments", "row", ""),
    NavItem("admin_cash.cash", "nav.cash", "wide", "money"),
    NavItem("admin_payments.settlements", "nav.settlements", "more", "money"),
    NavItem("admin_members.debts", "nav.debts", "more", "money"),
    NavItem("admin_transfers.listing", "nav.transfers", "wide", "operations"),
    NavItem("admin.locks", "nav.locks", "more", "operations"),
]
# The headings under More, in order.
NAV_GROUPS = [("money", "nav.group_money"), ("operations", "nav.group_operations")]
# Addresses of a section that are not below its page: retrying or discarding a dead letter is the dashboard's.
_ALSO = {"/admin/dead-letters": "nav.stores"}


def section(path: str) -> str:
    """The section a page belongs to: the section whose page it is or is below ("/admin/members/M-1" is Members;
    the dashboard's "/admin/" is only itself)."""
    return section_of(path, {url_for(item.endpoint): item.key for item in NAV} | _ALSO)


def context() -> dict[str, Any]:
    """What base.html needs to draw the bar."""
    return {"NAV": NAV, "NAV_GROUPS": NAV_GROUPS, "section": section(request.path)}
