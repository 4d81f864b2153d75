"""`make demo`'s offers at central: the running promotion and one from tomorrow at the demo store's midnight (its
labels listed on the manager's Label harga), each placed once however often the demo starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from synckit import central, pg_url  # noqa: F401

from central.services import catalog
from omnitoko import demo_extras


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_demo_places_a_running_promotion_and_one_from_tomorrow_once(central: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo_extras, "load_central_config", lambda path: None)
    monkeypatch.setattr(demo_extras, "central_context", lambda config: central.ctx)
    # Central's clock at 00:30 on 6 December in Jakarta (still the 5th in UTC): the demo's tomorrow is the 7th
    # whenever the test runs (it read the real clock, which could pass the store's midnight in between).
    monkeypatch.setattr(central.ctx, "clock", lambda: datetime(2026, 12, 5, 17, 30))
    said = demo_extras.place(central.ctx.config, 8000)
    assert any("Pocari Akhir Pekan" in line and "from tomorrow" in line for line in said)
    demo_extras.place(central.ctx.config, 8000)  # a second demo start finds them

    promos = {p["name"]: p for p in catalog.promotions(central.ctx)}
    assert sorted(promos) == ["Hemat Good Day 15%", "Pocari Akhir Pekan Rp 1.000"]
    upcoming = promos["Pocari Akhir Pekan Rp 1.000"]
    starts = datetime.fromisoformat(upcoming["starts_at"]).replace(tzinfo=UTC)
    jakarta = starts.astimezone(demo_extras.DEMO_ZONE)
    assert (jakarta.hour, jakarta.minute) == (0, 0), "from the store's midnight, not UTC's"
    assert jakarta.date() == date(2026, 12, 7)
    assert datetime.fromisoformat(upcoming["ends_at"]).replace(tzinfo=UTC) - starts == timedelta(days=3)
    assert (upcoming["kind"], upcoming["value"], upcoming["skus"]) == ("amount", 1_000, ["SKU-00010", "SKU-00011"])
