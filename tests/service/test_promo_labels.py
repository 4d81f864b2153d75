"""Promotions on shelf labels: a promotion central sends is listed while it runs, from the store's local day a week
before it starts and until a week after its last day (not UTC's days); its labels print at its price from its start
(ready the day before) and at the usual price once it ended; what is not on sale here is left out; refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from service.test_shelf_labels import AQUA_330, AQUA_600, feed, product

from common.errors import NotFound
from pos.services import promo_labels, shelf_labels
from pos.services.context import StoreContext
from sync_agent.apply import apply_page

# 17:30 UTC on 5 December is 00:30 WIB on 6 December: the store's today is a day ahead of UTC's.
NOW = datetime(2026, 12, 5, 17, 30)
JAKARTA = ZoneInfo("Asia/Jakarta")


def promotion(
    store: StoreContext,
    id_: str,
    skus: list[str],
    starts: datetime | None = None,
    ends: datetime | None = None,
    *,
    percent: int = 10,
    active: bool = True,
    multi_buy: tuple[str, int, int] | None = None,
) -> None:
    """Central's promotion (times UTC), applied as the sync agent applies a pulled page; `multi_buy` (kind, set_qty,
    set_value) as the feed's version 2 sends one: ("free", 3, 1) is Beli 2 Gratis 1."""
    data: dict[str, Any] = {
        "id": id_,
        "name": f"Promo {id_}",
        "kind": "percent",
        "value": percent * 100,
        "skus": skus,
        "starts_at": starts.isoformat() if starts else None,
        "ends_at": ends.isoformat() if ends else None,
        "active": active,
    }
    if multi_buy:
        data.update(dict(zip(("kind", "set_qty", "set_value"), multi_buy, strict=True)), value=0)
    page = {"changes": [{"topic": "promotion", "key": id_, "seq": 1, "data": data}], "cursor": 1, "epoch": "e1"}
    apply_page(store.db, {**page, "store_seq": 0}, NOW)


def local_day(days: int, now: datetime = NOW) -> date:
    """The store's (WIB) day `days` from its today when its clock says `now` (UTC): NOW, where a test freezes the
    store's clock, so the test's days are the app's whenever it runs (the real clock may pass midnight in Jakarta
    between the test's reading and the app's)."""
    return now.replace(tzinfo=UTC).astimezone(JAKARTA).date() + timedelta(days=days)


def local_midnight_in(days: int, now: datetime = NOW) -> datetime:
    """The store's midnight starting that day, as the UTC time central sends."""
    return datetime.combine(local_day(days, now), time(), JAKARTA).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def store_at_night(store: StoreContext) -> StoreContext:
    assert store.config.store.timezone == "Asia/Jakarta"
    store.clock = lambda: NOW
    return store


def listed(store: StoreContext) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in promo_labels.promotions(store)}


def test_promotions_are_listed_by_the_store_s_local_days_not_utc_s(store_at_night: StoreContext) -> None:
    store = store_at_night
    promotion(store, "tonight", [AQUA_330], datetime(2026, 12, 6, 16, 0))  # 23:00 WIB today; UTC's tomorrow
    promotion(store, "tomorrow", [AQUA_330], datetime(2026, 12, 6, 17, 0), datetime(2026, 12, 13, 17, 0))
    promotion(store, "in-7-days", [AQUA_330], datetime(2026, 12, 13, 16, 0))  # 23:00 WIB on the 13th; UTC's 8th day
    promotion(store, "in-8-days", [AQUA_330], datetime(2026, 12, 13, 17, 0))  # 00:00 WIB on the 14th
    promotion(store, "running", [AQUA_330, AQUA_600, "NOPE-1"], datetime(2026, 12, 1), datetime(2026, 12, 10, 5, 0))
    promotion(store, "ended-7-days-ago", [AQUA_330], None, datetime(2026, 11, 28, 17, 1))  # 00:01 WIB on the 29th
    promotion(store, "ended-8-days-ago", [AQUA_330], None, datetime(2026, 11, 28, 17, 0))  # last day the 28th (WIB)
    rows = listed(store)
    assert list(rows) == ["running", "tonight", "tomorrow", "in-7-days", "ended-7-days-ago"]
    assert [(r["status"], r["days"]) for r in rows.values()] == [
        ("running", 0),
        ("upcoming", 0),
        ("upcoming", 1),
        ("upcoming", 7),
        ("ended", 7),
    ]
    # The period as the store reads it: whole days where a promotion turns over at local midnight.
    assert (rows["tomorrow"]["starts"], rows["tomorrow"]["until"]) == (date(2026, 12, 7), date(2026, 12, 13))
    assert rows["tonight"]["starts"] == datetime(2026, 12, 6, 23, 0) and rows["tonight"]["until"] is None
    assert rows["running"]["until"] == datetime(2026, 12, 10, 12, 0)
    assert rows["ended-7-days-ago"]["until"] == datetime(2026, 11, 29, 0, 1)
    assert (rows["running"]["products"], rows["running"]["off"], rows["running"]["sheets"]) == (2, "10%", 1)


def test_inactive_promotions_and_products_not_on_sale_here_are_left_out(store_at_night: StoreContext) -> None:
    store = store_at_night
    promotion(store, "withdrawn", [AQUA_330], datetime(2026, 12, 1), active=False)
    promotion(store, "elsewhere", ["NOPE-1", "NOPE-2"], datetime(2026, 12, 1))
    promotion(store, "both", [AQUA_330, AQUA_600], datetime(2026, 12, 1))
    feed(store, {**product(store, AQUA_600), "active": False})  # taken off sale here
    assert {k: r["products"] for k, r in listed(store).items()} == {"both": 1}
    assert [label["sku"] for label in promo_labels.sheet(store, "both")["labels"]] == [AQUA_330]


def test_a_promotion_s_labels_are_ready_the_day_before_at_its_price_from_its_start(
    store_at_night: StoreContext,
) -> None:
    store = store_at_night
    starts, ends = datetime(2026, 12, 6, 17, 0), datetime(2026, 12, 13, 17, 0)  # 7 to 13 December, WIB
    promotion(store, "tomorrow", [AQUA_600], starts, ends)
    [today] = shelf_labels.labels(store, [AQUA_600])
    assert (today["price"], today["promo_price"], today["promo_until"]) == (4_500, None, None)
    [then] = shelf_labels.labels(store, [AQUA_600], at=starts)
    assert (then["price"], then["promo_price"], then["promo"]) == (4_500, 4_050, "Promo tomorrow")
    assert then["promo_until"] == date(2026, 12, 13)  # "s/d 13/12/2026": the last day it holds
    assert then["promo_from"] == date(2026, 12, 7)  # printed ahead, the label says from when ("mulai 07/12/2026")

    sheet = promo_labels.sheet(store, "tomorrow")
    assert [(label["sku"], label["promo_price"]) for label in sheet["labels"]] == [(AQUA_600, 4_050)]
    assert sheet["prices_from"] == date(2026, 12, 7) and sheet["promotion"]["status"] == "upcoming"


def test_an_ended_promotion_s_labels_are_at_the_usual_price(store_at_night: StoreContext) -> None:
    store = store_at_night
    promotion(store, "ended", [AQUA_330], datetime(2026, 11, 20), datetime(2026, 12, 5, 17, 0))  # midnight WIB
    sheet = promo_labels.sheet(store, "ended")
    assert sheet["promotion"]["status"] == "ended" and sheet["promotion"]["until"] == date(2026, 12, 5)
    assert [(label["price"], label["promo_price"], label["promo_until"]) for label in sheet["labels"]] == [
        (3_500, None, None)
    ]
    assert sheet["prices_from"] is None


def test_a_running_promotion_s_labels_say_until_when(store_at_night: StoreContext) -> None:
    promotion(store_at_night, "now", [AQUA_330], datetime(2026, 12, 1), datetime(2026, 12, 10, 5, 0))
    [label] = promo_labels.sheet(store_at_night, "now")["labels"]
    assert (label["promo_price"], label["promo_until"]) == (3_150, datetime(2026, 12, 10, 12, 0))
    assert label["promo_from"] is None  # running: the label needs no start


def test_a_promotion_with_more_products_than_a_sheet_prints_in_parts(
    store_at_night: StoreContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shelf_labels, "MAX_LABELS", 1)
    promotion(store_at_night, "two", [AQUA_330, AQUA_600], datetime(2026, 12, 1))
    assert listed(store_at_night)["two"]["sheets"] == 2
    first, second = (promo_labels.sheet(store_at_night, "two", part)["labels"] for part in (1, 2))
    assert len(first) == len(second) == 1 and {first[0]["sku"], second[0]["sku"]} == {AQUA_330, AQUA_600}
    with pytest.raises(NotFound) as err:
        promo_labels.sheet(store_at_night, "two", 3)
    assert err.value.code == "unknown_label_sheet"


@pytest.mark.parametrize("promo_id", ["no-such-promo", "withdrawn", "elsewhere", "x" * 500])
def test_an_unknown_promotion_is_refused(store_at_night: StoreContext, promo_id: str) -> None:
    promotion(store_at_night, "withdrawn", [AQUA_330], datetime(2026, 12, 1), active=False)
    promotion(store_at_night, "elsewhere", ["NOPE-1"], datetime(2026, 12, 1))
    with pytest.raises(NotFound) as err:
        promo_labels.sheet(store_at_night, promo_id)
    assert err.value.code == "unknown_promotion" and len(err.value.detail["promotion"]) <= 40
