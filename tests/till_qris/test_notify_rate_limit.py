"""The payment notification endpoint counts what each source address sends a minute (the shared throttle, in the
database): a flood is answered 429 with Retry-After and changes nothing; the next minute the address is heard again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from paykit import standin  # noqa: F401
from synckit import central, pg_url  # noqa: F401

from central.services import housekeeping
from central.tables import Alert, PaymentNotification, SignInThrottle


def notify(central, body):  # type: ignore[no-untyped-def]
    return requests.post(central.url + "/api/v1/payments/notify", json=body, timeout=30)


@pytest.mark.parametrize("central", ["sqlite", "postgresql"], indirect=True)
def test_a_flood_of_notifications_gets_429_and_changes_nothing(central, standin):
    central.ctx.config.payments.notify_per_minute = 5
    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock().replace(second=1))
    answers = [notify(central, {"order_id": f"OT-FLOOD-{i}", "signature_key": "x"}).status_code for i in range(5)]
    assert answers == [403] * 5  # heard (and refused as forged): five alerts, five notifications on record
    before = (central.count(PaymentNotification), central.count(Alert))
    flood = [notify(central, {"order_id": f"OT-FLOOD-{i}", "signature_key": "x"}) for i in range(5, 40)]
    assert {r.status_code for r in flood} == {429}
    assert int(flood[-1].headers["Retry-After"]) >= 1
    assert flood[0].json()["error"]["code"] == "too_many_notifications"
    assert (central.count(PaymentNotification), central.count(Alert)) == before

    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock() + timedelta(minutes=1))
    assert notify(central, {"order_id": "OT-NEXT-MINUTE", "signature_key": "x"}).status_code == 403
    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock() + timedelta(minutes=5))
    housekeeping.forget_notify_counts(central.ctx)
    assert central.count(SignInThrottle, SignInThrottle.key.startswith("notify:")) == 0
