"""/metrics on the store server and the central store (prometheus_client), who may read it, request ids carried
from store to central, the health each store reports and head office sees, and JSON log lines."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families
from servekit import free_port, served
from synckit import CentralHarness, central, connect_store, pg_url, stock_up  # noqa: F401
from synckit_store import AQUA_330, sell, unsent

from common.logs import JsonFormatter, RequestIdFilter
from common.ops_tables import LoggingTable
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.web.app import create_app
from sync_agent.agent import Agent

ROOT = Path(__file__).resolve().parents[2]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(got: dict, name: str, **labels: str) -> float:
    return got[(name, tuple(sorted(labels.items())))]


def test_the_store_servers_metrics_show_requests_outbox_and_printer_to_this_machine_only(
    store: StoreContext, open_till: Actor
) -> None:
    sell(store, open_till, [(AQUA_330, 2)])
    client = create_app(store.config, db=store.db).test_client()
    assert client.get("/api/v1/health").status_code == 200
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    got = samples(resp.get_data(as_text=True))
    assert value(got, "omnitoko_store_http_requests_total", route="/api/v1/health", method="GET", status="200") == 1
    assert value(got, "omnitoko_store_http_request_duration_seconds_count", route="/api/v1/health", method="GET") == 1
    assert value(got, "omnitoko_store_outbox_depth") >= 1  # the sale waits for the agent
    assert value(got, "omnitoko_store_outbox_oldest_age_seconds") >= 0
    assert value(got, "omnitoko_store_printer_state") in (0, 1, 2)
    assert value(got, "omnitoko_store_info", store="TOKO-01", version="0.1.0") == 1
    far = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert far.status_code == 403


def test_with_a_token_metrics_need_it_from_anywhere(store: StoreContext) -> None:
    store.config.metrics.token = "scrape-" + "x" * 30
    client = create_app(store.config, db=store.db).test_client()
    far = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=far).status_code == 401
    assert client.get("/metrics", environ_base=far, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", environ_base=far, headers={"Authorization": f"Bearer {store.config.metrics.token}"})
    assert ok.status_code == 200 and b"omnitoko_store_outbox_depth" in ok.data


def test_central_counts_pushes_and_shows_each_stores_reported_health(
    central: CentralHarness, store: StoreContext, open_till: Actor
) -> None:
    stock_up(central)
    connect_store(store, central)
    for _ in range(3):
        sell(store, open_till, [(AQUA_330, 1)])
    waiting = unsent(store.db)  # three sales and the shift's opening
    agent = Agent(store.config, say=lambda _t: None)
    try:
        assert agent.round().ok
        request_id = agent.client.headers["X-Request-ID"]
    finally:
        agent.close()
    assert request_id.startswith("TOKO-01-")
    resp = requests.get(f"{central.url}/metrics", timeout=10)
    assert resp.status_code == 200
    got = samples(resp.text)
    assert value(got, "omnitoko_central_push_events_total", outcome="applied") == waiting >= 4
    # The round's pulls, after the push, report what it left: an emptied outbox is seen as empty at once.
    assert value(got, "omnitoko_central_store_outbox_depth", store="TOKO-01") == 0 == unsent(store.db)
    assert value(got, "omnitoko_central_store_dead_letters", store="TOKO-01") == 0
    assert value(got, "omnitoko_central_store_info", store="TOKO-01", version="0.1.0") == 1
    assert abs(value(got, "omnitoko_central_store_clock_skew_seconds", store="TOKO-01")) < 60
    assert value(got, "omnitoko_central_store_feed_lag", store="TOKO-01") >= 0
    assert value(got, "omnitoko_central_database_up") == 1
    pushed = value(got, "omnitoko_central_http_requests_total", route="/api/v1/sync/push", method="POST", status="200")
    assert pushed >= 1
    # The id the agent sent comes back on central's answer.
    echo = requests.get(f"{central.url}/api/v1/health", headers={"X-Request-ID": request_id}, timeout=10)
    assert echo.headers["X-Request-ID"] == request_id


def test_head_office_sees_store_health_and_a_wrong_store_clock(
    central: CentralHarness, store: StoreContext, open_till: Actor
) -> None:
    from datetime import timedelta

    from central.services import store_health, stores

    stock_up(central)
    connect_store(store, central)
    sell(store, open_till, [(AQUA_330, 1)])
    agent = Agent(store.config, say=lambda _t: None, clock=lambda: store.clock() + timedelta(hours=2))
    try:
        agent.round()
    finally:
        agent.close()
    [health] = store_health.health_overview(central.ctx)["stores"]
    assert health["version"] == "0.1.0" and health["clock_warning"] and health["clock_skew_seconds"] > 7000
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get("/admin/login?lang=en").get_data(as_text=True)  # the admin reads English (remembered)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed = client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": csrf})
    assert signed.status_code == 302
    text = client.get("/admin/").get_data(as_text=True)
    assert 'id="store-health"' in text and "off by +" in text


def test_json_log_lines_carry_the_request_id(store: StoreContext) -> None:
    app = create_app(store.config, db=store.db)
    record = logging.LogRecord("omnitoko.test", logging.INFO, __file__, 1, "pushed %d", (3,), None)
    with app.test_request_context("/", headers={"X-Request-ID": "TOKO-01-abc123"}):
        app.preprocess_request()
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "TOKO-01-abc123" and line["message"] == "pushed 3" and line["level"] == "INFO"
    assert LoggingTable(format="json").format == "json"


def test_gunicorn_workers_add_up_their_counters_in_one_scrape(tmp_path: Path) -> None:
    cfg = tmp_path / "central.toml"
    shutil.copy(ROOT / "central.toml", cfg)
    port = free_port()
    env_cfg = ["--config", str(cfg)]
    init = subprocess.run(
        [sys.executable, "-m", "omnitoko.cli", "central", "init", *env_cfg],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    cmd = [sys.executable, "-m", "omnitoko.cli", "central", "serve", *env_cfg, "--port", str(port), "--workers", "2"]
    cmd += ["--threads", "2", "--no-worker"]
    base = f"http://127.0.0.1:{port}"
    with served(cmd, tmp_path, tmp_path / "central.log", f"{base}/api/v1/health", "central"):
        for _ in range(30):  # new connections: both workers take some
            assert requests.get(f"{base}/api/v1/health", headers={"Connection": "close"}, timeout=10).ok
        scrapes = [
            samples(requests.get(f"{base}/metrics", headers={"Connection": "close"}, timeout=10).text) for _ in range(4)
        ]
    for got in scrapes:  # whichever worker answered, it counted all 30 (plus the health waits of `served`)
        assert (
            value(got, "omnitoko_central_http_requests_total", route="/api/v1/health", method="GET", status="200") >= 30
        )
    print(
        "health requests counted per scrape:",
        [
            value(g, "omnitoko_central_http_requests_total", route="/api/v1/health", method="GET", status="200")
            for g in scrapes
        ],
    )
