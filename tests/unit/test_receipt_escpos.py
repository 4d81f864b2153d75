"""The receipt as ESC/POS bytes (python-escpos Dummy printer), the status bytes, and the [printer] config."""

from __future__ import annotations

from datetime import datetime

import pytest

from common.config_reader import ConfigError
from common.qr_images import qr_image
from pos.adapters.config import PrinterTable, load_config
from pos.adapters.printing import parse_status, render_drawer_kick, render_receipt
from pos.domain.receipt import Receipt, ReceiptLine, ReceiptTax, ReceiptTender

ESC_INIT = b"\x1b@"
KICK_PIN2 = b"\x1bp\x00"  # ESC p 0: pulse on drawer pin 2
RASTER = b"\x1dv0"  # GS v 0: raster image (the QR code)
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
CUT = b"\x1bd\x06\x1dV\x00"  # ESC d 6 (feed past the cutter), GS V 0 (full cut)


def receipt(**kw: object) -> Receipt:
    base: dict[str, object] = dict(
        kind="sale",
        number="TOKO-01-T1-000007",
        issued_at=datetime(2026, 11, 23, 9, 30),
        till_id="T1",
        cashier="Siti",
        store_name="Omnitoko",
        lines=(ReceiptLine("Aqua 330ml", 2, 3500, 7000, 0, 7000),),
        subtotal=7000,
        total=7000,
        taxes=(ReceiptTax("PPN", 1100, 6306, 694),),
        tenders=(ReceiptTender("cash", 10000),),
        change=3000,
        footer="Terima kasih",
        qr_url="http://127.0.0.1:5000/r/TOKO-01-T1-000007/sig",
    )
    base.update(kw)
    return Receipt(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_a_receipt_is_one_job_from_reset_to_cut(columns: int) -> None:
    data = render_receipt(receipt(), PrinterTable(columns=columns))
    assert data.startswith(ESC_INIT)
    assert b"\x1bt\x00" in data  # the configured code page (CP437) is selected
    assert b"TOKO-01-T1-000007" in data and b"Rp 7.000" in data
    assert data.index(BOLD_ON) < data.index(b"TOTAL") < data.index(BOLD_OFF, data.index(b"TOTAL"))
    assert data.index(b"TOTAL") < data.index(RASTER) < data.rindex(CUT)
    assert data.endswith(CUT)
    text_lines = [l for l in data.split(b"\n") if RASTER not in l and b"\x1b" not in l]
    assert all(len(l) <= columns for l in text_lines)


def test_the_drawer_kick_is_only_sent_when_asked_and_before_the_text() -> None:
    cfg = PrinterTable()
    kicked = render_receipt(receipt(), cfg, kick=True)
    assert kicked.count(KICK_PIN2) == 1 and kicked.index(KICK_PIN2) < kicked.index(b"TOKO-01")
    assert KICK_PIN2 not in render_receipt(receipt(), cfg, kick=False)
    assert b"\x1bp\x01" in render_receipt(receipt(), PrinterTable(drawer_pin=5), kick=True)


def test_open_drawer_alone_is_just_reset_code_page_and_kick() -> None:
    data = render_drawer_kick(PrinterTable())
    assert data.startswith(ESC_INIT) and data.endswith(KICK_PIN2 + b"22")
    assert CUT not in data


def test_no_qr_image_when_the_receipt_has_no_link() -> None:
    assert RASTER not in render_receipt(receipt(qr_url=None), PrinterTable())


def test_a_reprint_is_marked_copy_on_paper() -> None:
    assert b"SALINAN / COPY" in render_receipt(receipt().as_copy(), PrinterTable())
    assert b"SALINAN / COPY" not in render_receipt(receipt(), PrinterTable())


def test_letters_outside_the_code_page_become_question_marks_not_garbage() -> None:
    data = render_receipt(receipt(lines=(ReceiptLine("Kopi 咖啡 Café", 1, 1000, 1000, 0, 1000),)), PrinterTable())
    assert b"Kopi ?? Caf\x82" in data  # CP437 has e-acute (0x82), not Chinese


def test_the_qr_image_is_small_enough_for_58mm_paper() -> None:
    img = qr_image("http://192.168.100.200:5000/r/TOKO-01-T2-123456/AAAAAAAAAAAAAAAAAAAAAA")
    assert img.width == img.height and img.width <= 384 // 2


@pytest.mark.parametrize(
    "answers, problem, low",
    [
        ((0x12, 0x12, 0x12), None, False),
        ((0x12, 0x12, 0x1E), None, True),
        ((0x1A, 0x12, 0x12), "offline", False),
        ((0x1A, 0x16, 0x12), "cover_open", False),
        ((0x1A, 0x32, 0x72), "paper_out", False),
        ((0x12, 0x12, 0x72), "paper_out", False),
        ((None, None, None), None, False),  # no answer at all: not known, so not a problem
        ((0xFF, 0xFF, 0xFF), None, False),  # not a status byte
    ],
)
def test_dle_eot_answers_map_to_a_problem(answers: tuple, problem: str | None, low: bool) -> None:
    status = parse_status(*answers)
    assert status.problem == problem
    assert status.paper_low is low


@pytest.mark.parametrize(
    "key, value, named",
    [
        ("KIND", "bluetooth", "printer.kind"),
        ("PROFILE", "TM-NOPE", "printer.profile"),
        ("PORT", "91000", "printer.port"),
        ("PORT", "0", "printer.port"),
        ("COLUMNS", "40", "printer.columns"),
        ("CODEPAGE", "CP9999", "printer.codepage"),
    ],
)
def test_a_wrong_printer_setting_is_refused_at_start_naming_the_key(key: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(None, environ={f"OMNITOKO_PRINTER__{key}": value})
    assert named in str(err.value)


@pytest.mark.parametrize(
    "kind, missing",
    [
        ("network", "printer.host"),
        ("serial", "printer.serial_device"),
        ("usb", "printer.usb_vendor"),
        ("file", "printer.file_path"),
    ],
)
def test_a_printer_kind_without_its_address_is_refused(kind: str, missing: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(None, environ={"OMNITOKO_PRINTER__KIND": kind})
    assert missing in str(err.value)


def test_the_bundled_profiles_are_accepted() -> None:
    for name in ("TM-T88V", "TM-T20II", "NT-5890K", "ZJ-5870", "default"):
        cfg = load_config(None, environ={"OMNITOKO_PRINTER__PROFILE": name, "OMNITOKO_PRINTER__CODEPAGE": '""'})
        assert cfg.printer.profile == name
