"""Helpers for pages under test in a real browser, shared by tests/e2e and the other *_browser.py tests (a plain
module: `from pagekit import ...` in tests/e2e, `from e2e.pagekit import ...` elsewhere)."""

from __future__ import annotations

from typing import Any


def hold_back(page: Any, path: str, *, sent: bool = False) -> None:
    """From now on the page (a WebDriver) gets each answer from a path holding `path` a second late, as on a slow
    link (`sent`: the request reaches the server at once and only its answer is late); `window.__late` counts those
    answers once they have come."""
    page.execute_script(
        """const plain = window.fetch, path = arguments[0], sent = arguments[1];
        const late = (v) => new Promise((ok) => setTimeout(() => ok(v), 1000));
        window.__late = 0;
        window.fetch = (url, init) => !String(url).includes(path) ? plain(url, init)
          : (sent ? plain(url, init).then(late) : late().then(() => plain(url, init))).finally(() => { window.__late++; });""",
        path,
        sent,
    )
