"""The EMVCo merchant-presented QRIS builder, held to payloads published by others (their CRCs included)."""

from __future__ import annotations

import pytest

from common import qris

# A dynamic QRIS from the README of github.com/sunary/qris (Go), CRC 9635.
SHOPEE = (
    "00020101021226380016ID.CO.SHOPEE.WWW010201020815863724530336054061440005802ID5921PT. SHOPPEE INDONESIA"
    "6007JAKARTA62180814gen by go-qris63049635"
)
# A merchant's printed (static) QRIS quoted in a public "Dynamic QRIS implementation guide", CRC 7127.
NOBU_STATIC = (
    "00020101021126670016COM.NOBUBANK.WWW01189360050300000879140214703239147837910303UMI51440014ID.CO.QRIS.WWW"
    "0215ID20232709941630303UMI5204481253033605802ID5923GRANOOL STORE OK12295776006KEDIRI61056421262070703A01"
    "63047127"
)
# The example payload of the EMVCo QR Code Specification for Payment Systems (MPM), CRC A13A (UTF-8 in tag 64).
EMVCO_SPEC = (
    "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT"
    "6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME"
    "91320016A0112233449988770708123456786304A13A"
)


@pytest.mark.parametrize("payload", [SHOPEE, NOBU_STATIC, EMVCO_SPEC])
def test_published_payloads_pass_the_crc_check(payload: str) -> None:
    qris.check(payload)


def test_crc16_ccitt_matches_the_standard_check_value() -> None:
    assert qris.crc16_ccitt(b"123456789") == 0x29B1  # CRC-16/CCITT-FALSE's catalogued check value


def test_building_the_published_dynamic_payload_gives_it_back_byte_for_byte() -> None:
    merchant = qris.Merchant(
        accounts=(qris.MerchantAccount("26", "ID.CO.SHOPEE.WWW", pan="01", merchant_id="15863724"),),
        name="PT. SHOPPEE INDONESIA",
        city="JAKARTA",
        category=None,
        additional={"08": "gen by go-qris"},
    )
    assert qris.build(merchant, 144_000) == SHOPEE


def test_a_static_code_with_an_amount_becomes_a_dynamic_one_with_a_new_valid_crc() -> None:
    paid = qris.with_amount(NOBU_STATIC, 25_500)
    fields = qris.parse(paid)
    assert fields["01"] == qris.DYNAMIC and fields["54"] == "25500"
    assert fields["51"] == {"00": "ID.CO.QRIS.WWW", "02": "ID2023270994163", "03": "UMI"}
    assert paid[-4:] != NOBU_STATIC[-4:]
    assert qris.with_amount(paid, 30_000) == qris.with_amount(NOBU_STATIC, 30_000)  # a second stamp replaces


def test_a_static_code_has_no_amount_and_initiation_11() -> None:
    merchant = qris.Merchant(
        (qris.MerchantAccount("51", qris.QRIS_DOMAIN, merchant_id="ID1020000000001", criteria="UMI"),),
        "OMNITOKO KEMANG",
        "JAKARTA",
        postal_code="12730",
    )
    fields = qris.parse(qris.build(merchant))
    assert fields["01"] == qris.STATIC and "54" not in fields and fields["61"] == "12730"


def test_amounts_with_decimals_follow_the_currency_exponent() -> None:
    assert qris.amount_text(2372, exponent=2) == "23.72"
    assert qris.amount_text(144_000) == "144000"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (SHOPEE[:-4] + "9636", "bad_crc"),
        (SHOPEE.replace("144000", "144900"), "bad_crc"),  # the amount changed, the CRC not
        ("hello", "not_qris"),
        ("000201010212269900" + "6304ABCD", "bad_tlv"),
    ],
)
def test_tampered_or_broken_payloads_are_refused(payload: str, code: str) -> None:
    with pytest.raises(qris.QrisError) as e:
        qris.check(payload)
    assert e.value.code == code


def test_fields_that_do_not_fit_are_refused_rather_than_cut() -> None:
    with pytest.raises(qris.QrisError):
        qris.build(qris.Merchant((), "A NAME THAT IS FAR TOO LONG FOR QRIS", "JAKARTA"))
    with pytest.raises(qris.QrisError):
        qris.amount_text(0)
