"""The manager's date fields read and show days as 23/11/2026 (UX.md), whatever the browser's language: a browser's
own date field shows 12/06/2026 for 6 December on an English-US machine. Links from before (ISO days) still work."""

from __future__ import annotations

import re

from test_manager_pages import Browser

from pos.services.context import StoreContext


def fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="text" name="(from|to)" value="([^"]*)"[^>]*data-day', html))


def test_reports_take_days_day_first_and_show_them_so(store: StoreContext) -> None:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    typed = web.get("/manager/reports?from=1/12/2026&to=6/12/2026&lang=en")
    html = typed.get_data(as_text=True)
    assert typed.status_code == 200, html
    assert fields(html) == {"from": "01/12/2026", "to": "06/12/2026"}  # 1 December, not 12 January
    assert "from=2026-12-01" in html and "to=2026-12-06" in html  # its CSV links ask for the same days
    linked = web.get("/manager/reports?from=2026-12-01&to=2026-12-06&lang=en").get_data(as_text=True)
    assert fields(linked) == fields(html), "a link from before shows the same days"
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'placeholder="hh/bb/tttt"' in web.get("/manager/reports?lang=id").get_data(as_text=True)


def test_a_day_that_does_not_exist_is_said_and_kept_to_correct(store: StoreContext) -> None:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    web.sign_in()
    for page in ("reports", "shifts", "audit"):
        bad = web.get(f"/manager/{page}?from=31/02/2026&lang=en")
        html = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "31/02/2026 is not a valid date" in html, page
        assert fields(html)["from"] == "31/02/2026", page
    audit = web.get("/manager/audit?from=01/12/2026&to=06/12/2026&lang=en")
    assert audit.status_code == 200 and fields(audit.get_data(as_text=True)) == {
        "from": "01/12/2026",
        "to": "06/12/2026",
    }
