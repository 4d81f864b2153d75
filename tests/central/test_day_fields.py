"""Head office's date fields (sales, cash, settlements) read and show days as 23/11/2026, whatever the browser's
language; links from before (ISO days) still work, and a day that does not exist is a 400 saying how to type one."""

from __future__ import annotations

import re

from synckit import central, pg_url, signed_in_admin  # noqa: F401


def fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="text" name="(from|to)" value="([^"]*)"[^>]*data-day', html))


def test_head_office_reports_take_days_day_first(central) -> None:  # noqa: F811
    admin = signed_in_admin(central)
    for page in ("sales", "cash", "settlements"):
        typed = admin.get(f"/admin/{page}?from=1/12/2026&to=3/12/2026&lang=en")
        html = typed.get_data(as_text=True)
        assert typed.status_code == 200, (page, html[:300])
        assert fields(html) == {"from": "01/12/2026", "to": "03/12/2026"}, page  # 1 December, not 12 January
        linked = admin.get(f"/admin/{page}?from=2026-12-01&to=2026-12-03&lang=en").get_data(as_text=True)
        assert fields(linked) == fields(html), page
        assert 'placeholder="dd/mm/yyyy"' in html, page
        bad = admin.get(f"/admin/{page}?from=31/02/2026&lang=id")
        said = bad.get_data(as_text=True)
        assert bad.status_code == 400 and "Tanggal tidak valid: tulis seperti 23/11/2026." in said, page
        assert fields(said)["from"] == "31/02/2026", page


def test_a_year_no_report_covers_is_a_400_not_a_crash(central) -> None:  # noqa: F811
    admin = signed_in_admin(central)
    for page in ("sales", "cash", "settlements", "transfers"):
        for query in ("from=0001-01-01", "to=9999-12-31", "from=01/01/1999"):
            answer = admin.get(f"/admin/{page}?{query}&lang=en")
            assert answer.status_code == 400, (page, query, answer.status_code)
