"""Time (issue 19): central measures each store's clock on its sync calls and says it back in the pull answer; the
store's sync page (manager) warns, in both languages, when the clock is off by more than central's bound."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from integration.test_manager_pages import Browser
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import store_health
from central.tables import Store
from common.contract.report import HEADER
from common.tables import utcnow
from pos.services import sync_health
from sync_agent.state import clock_values


@pytest.fixture
def web(store: Any) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def page(web: Browser, lang: str) -> str:
    return web.get(f"/manager/sync?lang={lang}").get_data(as_text=True)


def off_by(offset: timedelta) -> Any:
    return lambda: utcnow() + offset


def test_a_store_clock_seven_minutes_fast_is_warned_on_its_sync_page_in_both_languages(central, store, agents, web):
    connect_store(store, central)
    sync_until_clean(agents(clock=off_by(timedelta(minutes=7, seconds=30))))
    clock = sync_health.sync_health(store)["clock"]
    assert clock["warning"] and clock["ahead"] and 430 < clock["skew_seconds"] <= 450 and clock["bound_seconds"] == 120
    indonesian, english = page(web, "id"), page(web, "en")
    assert 'id="clock-skew"' in indonesian and "7 m" in indonesian and "lebih cepat dari jam pusat" in indonesian
    assert "(batas 2 m)" in indonesian
    assert re.search(r"7 m \d+ s ahead of the central store", english) and "(allowed: 2 m)" in english
    [(skew,)] = central.rows(select(Store.clock_skew_seconds).where(Store.id == store.config.store.id))
    assert 430 < skew <= 450  # the admin page's store-health table reads the same figure


def test_a_clock_a_day_slow_says_behind_and_one_within_the_bound_says_nothing(central, store, agents, web):
    connect_store(store, central)
    agent = agents(clock=off_by(timedelta(days=-1)))
    sync_until_clean(agent)
    assert "1 d behind the central store" in page(web, "en")
    assert "lebih lambat dari jam pusat" in page(web, "id")
    central.ctx.config.sync.clock_skew_warn_seconds = 3 * 86400  # head office allows three days: no warning
    sync_until_clean(agent)
    assert sync_health.sync_health(store)["clock"]["warning"] is False
    assert 'id="clock-skew"' not in page(web, "en")
    agent.clock = off_by(timedelta(seconds=30))  # set right (NTP): the last measure counts
    sync_until_clean(agent)
    assert abs(sync_health.sync_health(store)["clock"]["skew_seconds"]) < 45


def test_a_forged_or_missing_clock_report_gets_no_skew_and_never_fails_the_pull(central):
    for header in (None, "clock=yesterday", "clock=" + "9" * 900, "depth=3"):
        clock = store_health.clock_check(central.ctx, header)
        assert clock["skew_seconds"] is None and clock["warn_seconds"] == 120
    far = store_health.clock_check(central.ctx, "clock=1999-01-01T00:00:00Z")
    assert far["skew_seconds"] < -(20 * 365 * 86400)  # a dead CMOS battery: measured, and over any bound
    r = requests.get(
        f"{central.url}/api/v1/sync/pull",
        params={"cursor": 0, "limit": 1},
        headers={"Authorization": f"Bearer {central.token}", HEADER: "clock=not-a-time;depth=-5"},
        timeout=10,
    )
    assert r.status_code == 200 and r.json()["clock"]["skew_seconds"] is None


@pytest.mark.parametrize(
    "said", [None, "x", {}, {"skew_seconds": "5", "warn_seconds": 120}, {"skew_seconds": 5.0, "warn_seconds": 0}]
)
def test_the_agent_keeps_nothing_of_a_clock_answer_it_cannot_read(said):
    assert clock_values(said, utcnow()) == {}
