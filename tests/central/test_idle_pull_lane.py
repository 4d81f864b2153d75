"""The idle pull answered before Flask's full dispatch (central/web/idle_pull.py): the same answer, token check,
metrics and request id as the view; anything not plainly an idle pull answered by the app as before."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from synckit import STORE, central, pg_url  # noqa: F401
from werkzeug.test import EnvironBuilder, run_wsgi_app

from central.services import feed
from central.web.idle_pull import IdlePulls

PULL = "/api/v1/sync/pull"


def _head(central) -> int:
    client = central.extra["app"].test_client()
    page = client.get(f"{PULL}?cursor=0&limit=10000", headers={"Authorization": f"Bearer {central.token}"})
    assert page.status_code == 200 and not page.get_json()["more"]
    return int(page.get_json()["head"])


def _environ(query: str, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    return EnvironBuilder(path=PULL, query_string=query, headers=headers, **kwargs).get_environ()


def _by_flask(app: Flask, environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    """The answer of Flask's own dispatch (the view, every hook), past the idle-pull lane."""
    body, status, headers = run_wsgi_app(lambda e, sr: Flask.wsgi_app(app, e, sr), dict(environ))
    return status, dict(headers), b"".join(body)


def _without_time(body: bytes) -> bytes:
    """The answer without what changes from one call to the next (central's clock, the skew measured against it)."""
    body = re.sub(rb'"central_time":"[^"]*"', b'"central_time":"-"', body)
    return re.sub(rb'"skew_seconds":[-0-9.e]+', b'"skew_seconds":0', body)


def test_an_idle_pull_gets_the_very_answer_the_view_gives(central):
    app, head = central.extra["app"], _head(central)
    status = "version=1.2;depth=0;round=0.2;clock=2026-01-01T00:00:00Z"
    environ = _environ(
        f"cursor={head}&limit=500",
        {"Authorization": f"Bearer {central.token}", "X-Request-ID": "TOKO-01-r1", "X-Omnitoko-Status": status},
    )
    lean = IdlePulls(app, lambda *_: pytest.fail("an idle pull went on to the app")).answer(dict(environ))
    assert lean is not None
    body, headers = lean
    flask_status, flask_headers, flask_body = _by_flask(app, environ)
    assert flask_status == "200 OK" and _without_time(body) == _without_time(flask_body)
    assert dict(headers) == {**flask_headers, "Content-Length": str(len(body))}
    assert dict(headers)["X-Request-ID"] == "TOKO-01-r1"
    answer = app.json.loads(body)
    assert answer["changes"] == [] and answer["cursor"] == head and answer["clock"]["skew_seconds"] is not None


def test_an_idle_pull_is_answered_without_flasks_dispatch_and_counted_in_metrics(central, monkeypatch):
    app, head = central.extra["app"], _head(central)
    client = app.test_client()

    def counted() -> float:
        for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True)):
            for s in family.samples:
                if s.name == "omnitoko_central_http_requests_total" and s.labels == {
                    "route": PULL,
                    "method": "GET",
                    "status": "200",
                }:
                    return s.value
        return 0.0

    before = counted()
    monkeypatch.setattr(Flask, "full_dispatch_request", lambda self: pytest.fail("went through Flask's dispatch"))
    for _ in range(3):
        idle = client.get(f"{PULL}?cursor={head}&limit=500", headers={"Authorization": f"Bearer {central.token}"})
        assert idle.status_code == 200 and idle.get_json()["changes"] == []
        assert re.fullmatch(r"[0-9a-f]{32}", idle.headers["X-Request-ID"])  # none sent: a new one
    monkeypatch.undo()
    assert counted() == before + 3


@pytest.mark.parametrize(
    ("query", "auth", "status", "code"),
    [
        ("cursor={head}&limit=500", None, 401, "missing_token"),
        ("cursor={head}&limit=500", "Bearer ", 401, "missing_token"),
        ("cursor={head}&limit=500", "Basic {token}", 401, "missing_token"),
        ("cursor={head}&limit=500", "Bearer not-a-token", 401, "bad_token"),
        ("cursor=-1&limit=500", "Bearer {token}", 400, None),
        ("cursor=abc", "Bearer {token}", 400, None),
        ("cursor={head}&limit=0", "Bearer {token}", 400, None),
        ("cursor=99999999999999999999", "Bearer {token}", 400, None),
        ("cursor=%00", "Bearer {token}", 400, None),
        ("cursor={head}&cursor=0", "Bearer {token}", 200, None),  # the first value counts, as flask-openapi3 reads
        ("cursor={head}&limit=500&x=1", "Bearer {token}", 200, None),
        ("cursor=0&limit=500", "Bearer {token}", 200, None),  # behind the head: the page, the full way
    ],
)
def test_what_is_not_plainly_an_idle_pull_is_answered_by_the_app_as_before(central, query, auth, status, code):
    app, head = central.extra["app"], _head(central)
    headers = {"Authorization": auth.format(token=central.token)} if auth else {}
    environ = _environ(query.format(head=head), headers)
    assert IdlePulls(app, app.wsgi_app).answer(dict(environ)) is None
    got = app.test_client().get(f"{PULL}?{query.format(head=head)}", headers=headers)
    assert got.status_code == status, got.get_data(as_text=True)
    if code:
        assert got.get_json()["error"]["code"] == code
    if status == 400:
        assert got.get_json()["error"]["message"]  # a clear message, as before


def test_a_disabled_store_or_a_get_with_a_body_goes_on_to_the_app(central):
    app, head = central.extra["app"], _head(central)
    auth = {"Authorization": f"Bearer {central.token}"}
    with_body = _environ(f"cursor={head}", auth, data=b"x" * 10)
    assert IdlePulls(app, app.wsgi_app).answer(dict(with_body)) is None
    streamed = _environ(f"cursor={head}", {**auth, "Transfer-Encoding": "chunked"})
    assert IdlePulls(app, app.wsgi_app).answer(dict(streamed)) is None
    with central.ctx.db.unit_of_work() as s:
        s.execute(text("UPDATE stores SET active = false WHERE id = :s"), {"s": STORE})
    refused = app.test_client().get(f"{PULL}?cursor={head}", headers=auth)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "store_disabled"


def test_pulls_at_once_while_a_change_lands_and_the_next_pull_gets_it(central):
    """Many idle pulls at once over HTTP; a change lands in the middle; the next pull gets it."""
    import requests

    head = _head(central)
    auth = {"Authorization": f"Bearer {central.token}"}
    errors: list[str] = []
    stop = threading.Event()

    def puller() -> None:
        http = requests.Session()
        while not stop.is_set():
            r = http.get(f"{central.url}{PULL}", params={"cursor": head, "limit": 500}, headers=auth, timeout=30)
            if r.status_code != 200 or r.json()["cursor"] < head:
                errors.append(f"{r.status_code} {r.text[:100]}")

    threads = [threading.Thread(target=puller) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        with central.ctx.db.unit_of_work() as s:  # a promotion: every store's feed carries it
            feed.append(s, central.ctx, [feed.FeedChange("promotion", "P-idle", {"n": 1})])
        feed.sequence(central.ctx)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert errors == []
    after = requests.get(f"{central.url}{PULL}", params={"cursor": head, "limit": 500}, headers=auth, timeout=30)
    assert after.status_code == 200 and [c["key"] for c in after.json()["changes"]] == ["P-idle"]
