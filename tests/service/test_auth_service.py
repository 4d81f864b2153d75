"""Signing in with a PIN, bearer tokens, and the lock after five wrong PINs."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from common.errors import Forbidden, Locked, Unauthorized
from pos.adapters.tables import Staff
from pos.services import auth
from pos.services.context import StoreContext


def test_a_cashier_signs_in_with_code_and_pin_and_the_token_names_them(store: StoreContext) -> None:
    token, who = auth.sign_in(store, "1001", "1234", "T1")
    assert (who.code, who.role, who.till_id, who.name) == ("1001", "cashier", "T1", "Siti Rahayu")
    assert auth.authenticate(store, token) == who


def test_pins_are_stored_hashed_never_in_clear(store: StoreContext) -> None:
    with store.db.sessions() as s:
        hashes = list(s.scalars(select(Staff.pin_hash)))
    # method$salt$hex digest: no field is a PIN (a PIN's digits may turn up inside the random hex by chance)
    assert hashes and all(h.startswith("scrypt:") and not {"1234", "4321"} & set(h.split("$")) for h in hashes)


def test_a_pin_is_hashed_with_scrypt_at_its_full_cost() -> None:
    """The tests' demo staff carry cheaper hashes (tests/conftest.py); what a store writes keeps the real cost."""
    method, salt, digest = auth.hash_pin("1234").split("$")
    assert method == "scrypt:16384:8:1" and salt and len(digest) == 128


def test_a_wrong_pin_or_unknown_code_is_refused_the_same_way(store: StoreContext) -> None:
    for code, pin in (("1001", "0000"), ("7777", "1234")):
        with pytest.raises(Unauthorized) as err:
            auth.sign_in(store, code, pin)
        assert err.value.code == "bad_credentials"


def test_a_missing_unknown_or_signed_out_token_is_refused(store: StoreContext) -> None:
    for token in (None, "", "not-a-token"):
        with pytest.raises(Unauthorized):
            auth.authenticate(store, token)
    token, _ = auth.sign_in(store, "1001", "1234")
    auth.sign_out(store, token)
    with pytest.raises(Unauthorized):
        auth.authenticate(store, token)


def test_a_token_ends_after_the_configured_hours(store: StoreContext) -> None:
    start = datetime(2026, 11, 23, 8, 0)
    store.clock = lambda: start
    token, _ = auth.sign_in(store, "1001", "1234")
    store.clock = lambda: start + timedelta(hours=store.config.security.token_hours, seconds=1)
    with pytest.raises(Unauthorized):
        auth.authenticate(store, token)


def test_five_wrong_pins_lock_the_staff_code_for_five_minutes(store: StoreContext) -> None:
    now = datetime(2026, 11, 23, 8, 0)
    store.clock = lambda: now
    for _ in range(4):
        with pytest.raises(Unauthorized):
            auth.sign_in(store, "1001", "9999")
    with pytest.raises(Locked) as fifth:
        auth.sign_in(store, "1001", "9999")
    assert fifth.value.status == 423 and "5 minutes" in fifth.value.message

    # Even the right PIN is refused while locked...
    store.clock = lambda: now + timedelta(minutes=4, seconds=59)
    with pytest.raises(Locked):
        auth.sign_in(store, "1001", "1234")
    # ...and another staff code is not affected.
    assert auth.sign_in(store, "1002", "2345")[1].code == "1002"

    store.clock = lambda: now + timedelta(minutes=5, seconds=1)
    assert auth.sign_in(store, "1001", "1234")[1].code == "1001"


def test_a_right_pin_resets_the_count_of_wrong_ones(store: StoreContext) -> None:
    for _ in range(4):
        with pytest.raises(Unauthorized):
            auth.sign_in(store, "1001", "9999")
    auth.sign_in(store, "1001", "1234")
    with pytest.raises(Unauthorized):  # a fifth wrong PIN now is only the first in a row
        auth.sign_in(store, "1001", "9999")


def test_only_a_manager_code_and_pin_can_approve(store: StoreContext, cashier: auth.Actor) -> None:
    with pytest.raises(Forbidden) as none:
        auth.manager_approval(store, cashier, None, "a refund")
    assert none.value.code == "approval_required"
    with pytest.raises(Forbidden) as cashier_pin:
        auth.manager_approval(store, cashier, {"staff_code": "1001", "pin": "1234"}, "a refund")
    assert cashier_pin.value.code == "not_a_manager"
    with pytest.raises(Unauthorized):
        auth.manager_approval(store, cashier, {"staff_code": "9001", "pin": "0000"}, "a refund")
    manager_id = auth.manager_approval(store, cashier, {"staff_code": "9001", "pin": "4321"}, "a refund")
    with store.db.sessions() as s:
        assert s.get(Staff, manager_id).code == "9001"  # type: ignore[union-attr]
