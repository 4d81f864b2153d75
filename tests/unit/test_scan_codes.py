"""The pages recognise the codes a shopper brings (the till: static/pos/kiosk-carts.js; the member QR at the till and
the kiosk: static/shared/kit.js) by the same shapes the store server reads them by (common/scan_codes.py,
common/cart_codes.py): each JS regex accepts and refuses what Python does. The JS regexes are read from the files and
run with JavaScript's meaning of /i (ASCII \\d, ASCII case)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from common import cart_codes, fulfilment, member_qr, scan_codes

STATIC = Path(__file__).resolve().parents[2] / "static"
TILL, KIT = STATIC / "pos" / "kiosk-carts.js", STATIC / "shared" / "kit.js"
CART_ID = "5d9d3a55-8a51-4b7e-9f6a-0c0d7d6b0001"
SIGNATURE = "0123456789abcdef0123"
NOW = datetime(2026, 11, 24, 10, 0, 0)
CARD = member_qr.sign(
    member_qr.load_private_key(member_qr.new_private_key()), CART_ID, NOW, NOW + timedelta(days=30), "tokoku"
)


def js_regex(name: str, js: Path = TILL) -> re.Pattern[str]:
    """`var NAME = /.../i;` (or `export const NAME = ...`) in a page's script, compiled as JavaScript reads it."""
    text = js.read_text(encoding="utf-8")
    m = re.search(rf"^(?:var|export const) {name} = /(.+)/([a-z]*);", text, re.MULTILINE)
    assert m, f"{js.name} has no regex literal {name}"
    assert set(m.group(2)) <= {"i"}, f"{name}: flags {m.group(2)} are not read here"
    return re.compile(m.group(1), re.ASCII | (re.IGNORECASE if "i" in m.group(2) else 0))


def dashed(text: str) -> bool:
    """An online cart's code as shown (K7Q-42P), any case."""
    return cart_codes.normalize(text) == text.upper()


def dashless(text: str) -> bool:
    """The code typed without its dash (K7Q42P), as a shopper reads it out."""
    return "-" not in text and " " not in text and cart_codes.normalize(text) is not None


SHAPES: dict[str, tuple[Path, Callable[[str], bool]]] = {
    "TICKET": (TILL, scan_codes.is_ticket),
    "ORDER": (TILL, scan_codes.is_order_qr),
    "ONLINE": (TILL, lambda t: bool(scan_codes.CART_QR.match(t)) or dashed(t)),
    "CART_QR_START": (TILL, scan_codes.is_cart_qr_prefixed),
    "LOOSE": (TILL, dashless),
    "MEMBER_QR": (KIT, scan_codes.is_member_qr_prefixed),
}
EXAMPLES = [
    # kiosk tickets: the code on the kiosk's screen (and in digits no scanner types), and its QR (its signature and
    # id one character short, another version, a dot too many)
    *["K-12", "k12", "K-0012", "K-99999", "K-123456", "K-", "K", "KK-12", "K-1a", "K--12", "K-١٢"],
    *["K-000012", "k000012", "K-0000099999", "K-0123456", "K-0", "K-00000", "K-00-12", "K-0x12"],
    scan_codes.ticket_qr(CART_ID, SIGNATURE),
    scan_codes.ticket_qr(CART_ID.upper(), SIGNATURE.upper()),
    scan_codes.ticket_qr(CART_ID, SIGNATURE[:-1]),
    scan_codes.ticket_qr(CART_ID[:-1], SIGNATURE),
    f"K2.{CART_ID}.{SIGNATURE}",
    f"K1.{CART_ID}.{SIGNATURE}.",
    # paid online orders' pick-up QRs
    fulfilment.qr_payload("K7Q-42P"),
    *["OO1.K7Q42P", "oo1.k7q-42p", "OO1.K7Q4", "OO1.K7Q42P123", "OO1K7Q42P", "OO2.K7Q42P"],
    # online carts: their QR, their code with and without the dash
    cart_codes.qr_payload("tokoku", "K7Q-42P"),
    f"OC1.{'a' * 33}.K7Q-42P",
    *["oc1.toko_lain-2.k7q42p", "OC1..K7Q-42P", "OC1.tokoku.K7Q", "K7Q-42P", "k7q-42p", "K7Q42P", "k7q42p", "K7-Q42P"],
    *["7KQ-42P", "KOQ-42P", "K1Q-42P", "KLQ42P", "MANGGA", "MANGGO", "K7Q-42PP", "K7Q42"],
    # members' QRs: whole, damaged, in any case; and what only looks like one
    *[CARD, CARD[:-1], CARD.lower(), "OTK1.x", "otk1.", "OTK1", "OTK1x", "OTK2.x", "OTK.1", "XOTK1.x"],
    # what else a till's scan field gets
    *["8991234567890", "12", "https://example.com/promo"],
    "K7Q 42P",
    "",
]
# Every character in every place of a cart code: the JS alphabet is cart_codes' alphabet.
EXAMPLES += [f"{c}7Q-42P" for c in string.ascii_uppercase + string.digits]
EXAMPLES += [f"K7Q-42{c}" for c in string.ascii_uppercase + string.digits]
EXAMPLES += [f"K{c}Q42P" for c in string.ascii_uppercase + string.digits]


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_tills_script_accepts_and_refuses_what_the_store_server_does(name: str) -> None:
    file, py = SHAPES[name]
    js = js_regex(name, file)
    differ = [(text, bool(js.match(text)), py(text)) for text in EXAMPLES if bool(js.match(text)) != py(text)]
    assert not differ, f"{name} (JS, Python) differ on {differ}"
    assert any(py(text) for text in EXAMPLES) and not all(py(text) for text in EXAMPLES), "examples on both sides"


def test_the_codes_shown_are_the_codes_read_back() -> None:
    assert scan_codes.ticket_code(12) == "K-12" and scan_codes.ticket_number("k-0012") == 12
    assert scan_codes.ticket_number("K-123456") is None and scan_codes.ticket_number("K-000012") == 12
    assert scan_codes.is_ticket_qr(scan_codes.ticket_qr(CART_ID, SIGNATURE))
    assert fulfilment.code_from(fulfilment.qr_payload("K7Q-42P")) == "K7Q-42P"
    assert cart_codes.parse_reference(cart_codes.qr_payload("tokoku", "K7Q-42P"), "tokoku") == "K7Q-42P"
    assert scan_codes.is_cart_qr_prefixed(" oc1.anything") and not scan_codes.is_cart_qr_prefixed("OC1-x")


def test_a_ticket_is_the_same_ticket_at_the_kiosk_and_at_the_till() -> None:
    # The kiosk names a scan a till ticket (is_ticket) exactly when the till finds a ticket number in it: K-000012
    # is ticket K-12 at both, as printed or typed with its leading zeros.
    for text in EXAMPLES:
        typed = scan_codes.is_ticket(text) and not scan_codes.is_ticket_qr(text)
        assert typed == (scan_codes.ticket_number(text) is not None), text
    assert scan_codes.is_ticket("K-000012") and scan_codes.ticket_number("k000012") == 12
    assert scan_codes.ticket_code(scan_codes.ticket_number("K-0000099999") or 0) == "K-99999"


def test_a_member_qr_has_one_shape_for_the_server_the_till_and_the_kiosk() -> None:
    assert scan_codes.MEMBER_QR.match(CARD) and not scan_codes.MEMBER_QR.match(CARD[:-1])
    assert scan_codes.is_member_qr_prefixed(" otk1.anything") and not scan_codes.is_member_qr_prefixed("OTK1-x")
    # The till's member scan (static/pos/member.js) and the kiosk's (static/kiosk/kiosk.js) use kit.js' one copy.
    copies = sorted(str(f.relative_to(STATIC)) for f in STATIC.rglob("*.js") if "OTK1" in f.read_text(encoding="utf-8"))
    assert copies == ["shared/kit.js"]
    for page in (STATIC / "pos" / "member.js", STATIC / "kiosk" / "kiosk.js"):
        assert re.search(
            r"^import \{[^}]*\bMEMBER_QR\b[^}]*\} from \"\.\./shared/kit\.js\";", page.read_text(), re.M
        ), page
