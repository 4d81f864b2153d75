"""The member QR: only central's key makes one; any change, another key, another shop or an old card is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from common import member_qr
from common.member_qr import CardRefused

MEMBER = "0b6f4c2e-1d7a-4c1e-9a51-2f0e7d3c9b11"
NOW = datetime(2026, 11, 24, 10, 0, 0)


@pytest.fixture(scope="module")
def keys():
    private = member_qr.load_private_key(member_qr.new_private_key())
    return private, member_qr.load_public_key(member_qr.public_key_text(private))


def card(private, shop="omnitoko", days=30, member=MEMBER):
    return member_qr.sign(private, member, NOW, NOW + timedelta(days=days), shop)


def test_a_genuine_card_names_its_member_shop_and_validity(keys):
    private, public = keys
    got = member_qr.verify(public, card(private), "omnitoko", NOW)
    assert (got.member_id, got.shop, got.issued_at, got.expires_at) == (
        MEMBER,
        "omnitoko",
        NOW,
        NOW + timedelta(days=30),
    )
    assert len(card(private)) < 180  # fits a version 9 QR at error correction M


def test_every_single_character_changed_is_refused(keys):
    private, public = keys
    text = card(private)
    for i, ch in enumerate(text):
        for other in {"0", "A", "-"} - {ch}:
            altered = text[:i] + other + text[i + 1 :]
            with pytest.raises(CardRefused) as e:
                member_qr.verify(public, altered, "omnitoko", NOW)
            assert e.value.code in ("card_forged", "card_damaged", "other_shop", "not_a_card"), (i, altered)


def test_a_card_signed_with_another_key_is_refused_as_not_genuine(keys):
    _, public = keys
    forger = member_qr.load_private_key(member_qr.new_private_key())
    with pytest.raises(CardRefused) as e:
        member_qr.verify(public, card(forger), "omnitoko", NOW)
    assert e.value.code == "card_forged" and "not genuine" in e.value.message


def test_an_expired_card_is_refused_with_its_date(keys):
    private, public = keys
    with pytest.raises(CardRefused) as e:
        member_qr.verify(public, card(private, days=30), "omnitoko", NOW + timedelta(days=31))
    assert e.value.code == "card_expired" and "24/12/2026" in e.value.message


def test_another_shops_card_is_refused_naming_that_shop(keys):
    private, public = keys
    with pytest.raises(CardRefused) as e:
        member_qr.verify(public, card(private, shop="tokolain"), "omnitoko", NOW)
    assert e.value.code == "other_shop" and "tokolain" in e.value.message


def test_a_product_barcode_is_not_a_card(keys):
    with pytest.raises(CardRefused) as e:
        member_qr.verify(keys[1], "8990000100010", "omnitoko", NOW)
    assert e.value.code == "not_a_card"
