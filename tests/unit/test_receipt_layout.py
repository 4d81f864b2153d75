"""The receipt as printed text at 32, 42 and 48 columns (58 mm and 80 mm paper), Indonesian formatting."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from pos.domain.receipt import (
    COPY_MARK,
    REFUND_MARK,
    Receipt,
    ReceiptLine,
    ReceiptTax,
    ReceiptTender,
    from_dict,
    layout,
    plain_text,
    to_dict,
)

WIDTHS = (32, 42, 48)
LONG_NAME = "Minyak Goreng Bimoli Spesial Kemasan Pouch Isi Ulang 2 Liter Promo Keluarga"


def item(name: str, qty: int, price: int, discount: int = 0) -> ReceiptLine:
    return ReceiptLine(name, qty, price, qty * price, discount, qty * price - discount)


def sale(**kw: object) -> Receipt:
    lines = kw.pop("lines", (item("Air Mineral Aqua 330ml", 2, 3500), item("Indomie Goreng", 1, 3100)))
    base: dict[str, object] = dict(
        kind="sale",
        number="TOKO-01-T1-000042",
        issued_at=datetime(2026, 11, 23, 14, 5),
        till_id="T1",
        cashier="Siti Rahayu",
        store_name="Omnitoko Kemang",
        store_address="Jl. Kemang Raya No. 10, Jakarta Selatan",
        npwp="01.234.567.8-901.000",
        lines=lines,
        subtotal=sum(l.gross for l in lines),  # type: ignore[union-attr]
        discount=sum(l.discount for l in lines),
        total=sum(l.net for l in lines),  # type: ignore[union-attr]
        taxes=(ReceiptTax("PPN", 1100, 9369, 1031),),
        tenders=(ReceiptTender("cash", 20000),),
        change=20000 - sum(l.net for l in lines),  # type: ignore[union-attr]
        footer="Terima kasih / Thank you",
        qr_url="http://toko.example/r/TOKO-01-T1-000042/abc",
    )
    base.update(kw)
    return Receipt(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_is_wider_than_the_paper(width: int) -> None:
    receipt = sale(
        lines=tuple(item(f"{LONG_NAME} {i}", i + 1, 1_250_000) for i in range(12)),
        tenders=(
            ReceiptTender("card", 50_000_000, "************4242"),
            ReceiptTender("ewallet", 43_750_000, "********0042"),
        ),
        change=0,
    )
    for line in layout(receipt, width):
        assert len(line.text) <= width, line.text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_name_wraps_over_lines_and_keeps_every_word(width: int) -> None:
    text = plain_text(sale(lines=(item(LONG_NAME, 1, 25_900),)), width)
    head = text.split("-" * width)[2]  # the items block, between the second and third rules
    assert head.split() == [*LONG_NAME.split(), "1", "x", "25.900", "25.900"]
    assert len([l for l in head.splitlines() if l.strip()]) >= 3


@pytest.mark.parametrize("width", WIDTHS)
def test_sixty_lines_all_print_with_their_totals(width: int) -> None:
    lines = tuple(item(f"Barang nomor {i:02d}", 1 + i % 3, 1000 + 100 * i) for i in range(60))
    text = plain_text(sale(lines=lines), width)
    for i in range(60):
        assert f"Barang nomor {i:02d}" in text
    total = sum(l.net for l in lines)
    assert f"Rp {total:,}".replace(",", ".") in text
    assert "(120 item)" in text  # 20 x (1 + 2 + 3) units


@pytest.mark.parametrize("width", WIDTHS)
def test_numbers_are_indonesian_with_dots_for_thousands(width: int) -> None:
    text = plain_text(sale(lines=(item("Televisi LED 43 inci", 2, 4_599_000),)), width)
    assert "2 x 4.599.000" in text
    assert "9.198.000" in text
    assert "Rp 9.198.000" in text
    assert "," not in text.split("-" * width, 1)[1]  # no decimal commas: IDR has no minor unit


@pytest.mark.parametrize("width", WIDTHS)
def test_discounts_show_on_the_line_and_in_total(width: int) -> None:
    lines = (item("Susu UHT Ultra 1L", 2, 18_500, discount=3_700), item("Roti Tawar", 1, 15_000, discount=1_000))
    text = plain_text(sale(lines=lines, discount=4_700), width)
    assert text.count("Diskon") == 3  # two lines and the total
    assert "-3.700" in text and "-1.000" in text
    assert "Rp -4.700" in text.replace("-Rp ", "Rp -")
    total_line = next(l for l in text.splitlines() if l.startswith("TOTAL"))
    assert total_line.endswith("Rp 47.300")


@pytest.mark.parametrize("width", WIDTHS)
def test_tax_group_shows_dpp_and_ppn_and_cash_rounding_its_own_line(width: int) -> None:
    text = plain_text(sale(rounding=-100, total=10_000), width)
    assert any(l.startswith("DPP PPN 11%") and l.endswith("Rp 9.369") for l in text.splitlines())
    assert any(l.startswith("PPN 11%") and l.endswith("Rp 1.031") for l in text.splitlines())
    assert any(l.startswith("Pembulatan") and l.endswith("-Rp 100") for l in text.splitlines())


@pytest.mark.parametrize("width", WIDTHS)
def test_split_tenders_each_print_with_a_masked_reference_and_change(width: int) -> None:
    tenders = (
        ReceiptTender("card", 5_000, "************4242"),
        ReceiptTender("qris", 3_000, "******9876"),
        ReceiptTender("cash", 5_000),
    )
    text = plain_text(sale(tenders=tenders, change=2_900), width)
    rows = text.splitlines()
    assert any(r.startswith("Kartu ") and "4242" in r for r in rows)
    assert any(r.startswith("QRIS ") and "9876" in r for r in rows)
    assert any(r.startswith("Tunai") and r.endswith("Rp 5.000") for r in rows)
    assert any(r.startswith("Kembali") and r.endswith("Rp 2.900") for r in rows)
    assert "4242424242" not in text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refund_prints_as_a_refund(width: int) -> None:
    receipt = sale(
        kind="refund",
        number="TOKO-01-T1-000050",
        original_number="TOKO-01-T1-000042",
        reason="Kemasan rusak",
        tenders=(ReceiptTender("cash", 7_000),),
        change=0,
        total=7_000,
    )
    text = plain_text(receipt, width)
    assert REFUND_MARK in text
    assert "TOKO-01-T1-000042" in text and "Kemasan rusak" in text
    assert "TOTAL RETUR" in text
    assert "Dikembalikan tunai" in text
    assert "Kembali " not in text  # no change on a refund
    assert COPY_MARK not in text


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reprint_says_salinan_copy_at_the_top_and_bottom(width: int) -> None:
    original = plain_text(sale(), width)
    copy = plain_text(sale().as_copy(), width)
    assert COPY_MARK not in original
    assert copy.count(COPY_MARK) == 2
    top = copy.split("-" * width)[0]
    assert COPY_MARK in top


def test_the_header_names_the_store_its_tax_number_and_who_sold() -> None:
    text = plain_text(sale(), 42)
    assert "OMNITOKO KEMANG" in text
    assert "NPWP 01.234.567.8-901.000" in text
    assert "TOKO-01-T1-000042" in text and "23/11/2026 14:05" in text and "Siti Rahayu (T1)" in text


def test_english_labels_when_the_store_speaks_english() -> None:
    text = plain_text(sale(), 42, locale="en")
    assert "Change" in text and "Cash" in text and "Kembali" not in text
    assert "(3 items)" in text
    one = plain_text(sale(lines=(item("Indomie Goreng", 1, 3100),)), 42, locale="en")
    assert "(1 item)" in one and "(1 items)" not in one


def test_a_width_other_than_32_42_or_48_is_refused() -> None:
    with pytest.raises(ValueError):
        layout(sale(), 40)


def test_the_model_survives_its_json_form() -> None:
    receipt = sale(tenders=(ReceiptTender("card", 1, "****1"), ReceiptTender("cash", 2)))
    assert from_dict(to_dict(receipt)) == receipt
    assert from_dict(to_dict(receipt.as_copy())) == replace(receipt, copy=True)
    assert receipt.has_cash and not sale(tenders=(ReceiptTender("card", 1),)).has_cash


@pytest.mark.parametrize("width", WIDTHS)
def test_a_members_points_are_grouped_like_the_screens_show_them(width: int) -> None:
    def rows(text: str) -> dict[str, str]:  # "Poin dipakai        1.000" -> {"Poin dipakai": "1.000"}
        return {" ".join(line.split()[:-1]): line.split()[-1] for line in text.splitlines() if "oin" in line}

    receipt = sale(
        member_number="700590093556",
        member_name="Si** Ra***",
        points_redeemed=1000,
        points_earned=1250,
        points_balance=12506,
    )
    assert rows(plain_text(receipt, width)) == {
        "Poin dipakai": "1.000",
        "Poin didapat": "1.250",
        "Saldo poin": "12.506",
    }
    refund = replace(receipt, kind="refund", points_earned=2200, points_balance=None)
    assert rows(plain_text(refund, width)) == {"Poin ditarik": "2.200"}
