"""QRIS (EMVCo merchant-presented QR) payloads: build, parse, check, and stamp an amount on a static code.

A payload is a run of TLV fields: a 2-digit tag, a 2-digit length (in characters) and the value. Tags 26-51
hold a merchant account as nested TLV (00 the network's reverse domain, 01 the PAN, 02 the merchant id,
03 the merchant criteria); 54 is the amount; 63 is a CRC16-CCITT (poly 0x1021, init 0xFFFF) of everything
before its value, "6304" included, written as 4 upper-case hex digits. Pure Python: no framework, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common.errors import DomainError

STATIC, DYNAMIC = "11", "12"  # tag 01, point of initiation: a printed sticker, or one code per payment
IDR = "360"  # ISO 4217 numeric, tag 53
QRIS_DOMAIN = "ID.CO.QRIS.WWW"  # the national repository's merchant account (tag 51)


class QrisError(DomainError):
    """A payload that is not well-formed QRIS: bad TLV, a field too long, a wrong CRC."""

    status = 400


def crc16_ccitt(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise QrisError("bad_tag", f"a tag is two digits, not {tag!r}")
    if not 1 <= len(value) <= 99:
        raise QrisError("bad_length", f"tag {tag} holds 1-99 characters, not {len(value)}")
    return f"{tag}{len(value):02d}{value}"


def with_crc(body: str) -> str:
    """Append tag 63 to a payload that ends just before it."""
    head = body + "6304"
    return head + f"{crc16_ccitt(head.encode('utf-8')):04X}"


@dataclass(frozen=True)
class MerchantAccount:
    """One merchant account template (tags 26-51): whose network, which PAN/merchant id, which criteria."""

    tag: str
    domain: str  # sub-tag 00, e.g. "ID.CO.QRIS.WWW", "COM.GO-JEK.WWW"
    pan: str | None = None  # sub-tag 01: the National Merchant PAN
    merchant_id: str | None = None  # sub-tag 02
    criteria: str | None = None  # sub-tag 03: UMI, UKE, UME, UBE (merchant size)

    def encode(self) -> str:
        if not 26 <= int(self.tag) <= 51:
            raise QrisError("bad_tag", f"a merchant account sits in tags 26-51, not {self.tag}")
        parts = [("00", self.domain), ("01", self.pan), ("02", self.merchant_id), ("03", self.criteria)]
        return tlv(self.tag, "".join(tlv(t, v) for t, v in parts if v))


@dataclass(frozen=True)
class Merchant:
    accounts: tuple[MerchantAccount, ...]
    name: str  # tag 59, at most 25 characters
    city: str  # tag 60, at most 15 characters
    category: str | None = "5411"  # tag 52, ISO 18245 MCC (5411: grocery stores, supermarkets)
    postal_code: str | None = None  # tag 61
    country: str = "ID"  # tag 58
    currency: str = IDR  # tag 53
    additional: dict[str, str] = field(default_factory=dict)  # tag 62: 01 bill, 05 reference, 07 terminal


def amount_text(amount: int, exponent: int = 0) -> str:
    """An amount in minor units as tag 54 writes it: "144000" for Rp 144.000, "23.72" for 2372 cents."""
    if amount <= 0:
        raise QrisError("bad_amount", "an amount on a QRIS code is above zero")
    if exponent == 0:
        return str(amount)
    whole, frac = divmod(amount, 10**exponent)
    return f"{whole}.{frac:0{exponent}d}"


def build(merchant: Merchant, amount: int | None = None, *, exponent: int = 0, reference: str | None = None) -> str:
    """A merchant-presented payload: static without an amount, dynamic (one payment) with one."""
    if len(merchant.name) > 25 or len(merchant.city) > 15:
        raise QrisError("too_long", "a merchant name is at most 25 characters and a city at most 15")
    parts = [tlv("00", "01"), tlv("01", STATIC if amount is None else DYNAMIC)]
    parts += [a.encode() for a in sorted(merchant.accounts, key=lambda a: a.tag)]
    if merchant.category:
        parts.append(tlv("52", merchant.category))
    parts.append(tlv("53", merchant.currency))
    if amount is not None:
        parts.append(tlv("54", amount_text(amount, exponent)))
    parts += [tlv("58", merchant.country), tlv("59", merchant.name), tlv("60", merchant.city)]
    if merchant.postal_code:
        parts.append(tlv("61", merchant.postal_code))
    extra = dict(merchant.additional)
    if reference:
        extra["05"] = reference
    if extra:
        parts.append(tlv("62", "".join(tlv(t, v) for t, v in sorted(extra.items()))))
    return with_crc("".join(parts))


def fields(text: str) -> list[tuple[str, str]]:
    """The TLV fields of `text` in order (one level)."""
    out, i = [], 0
    while i < len(text):
        tag, size = text[i : i + 2], text[i + 2 : i + 4]
        if len(size) < 2 or not tag.isdigit() or not size.isdigit() or i + 4 + int(size) > len(text):
            raise QrisError("bad_tlv", f"the payload breaks at character {i}: {text[i : i + 12]!r}")
        out.append((tag, text[i + 4 : i + 4 + int(size)]))
        i += 4 + int(size)
    return out


def check(payload: str) -> None:
    """Refuse a payload whose TLV is broken, which does not start with 000201, or whose CRC is wrong."""
    if not payload.startswith("000201") or len(payload) < 12 or payload[-8:-4] != "6304":
        raise QrisError("not_qris", "a QRIS payload starts with 000201 and ends with tag 63 (4 hex digits)")
    fields(payload)
    want = f"{crc16_ccitt(payload[:-4].encode('utf-8')):04X}"
    if payload[-4:].upper() != want:
        raise QrisError("bad_crc", f"the payload's CRC is {payload[-4:]}, its content gives {want}")


def parse(payload: str) -> dict[str, str | dict[str, str]]:
    """Tag -> value, with merchant accounts (26-51) and additional data (62) split into their sub-tags."""
    check(payload)
    out: dict[str, str | dict[str, str]] = {}
    for tag, value in fields(payload):
        nested = 26 <= int(tag) <= 51 or tag == "62"
        out[tag] = dict(fields(value)) if nested else value
    return out


def with_amount(static_payload: str, amount: int, *, exponent: int = 0) -> str:
    """A printed (static) code made dynamic for one payment: initiation 12, tag 54 set, CRC recomputed."""
    check(static_payload)
    kept = [(t, v) for t, v in fields(static_payload[:-8]) if t not in ("54",)]
    out = []
    for tag, value in kept:
        if tag == "01":
            value = DYNAMIC
        out.append(tlv(tag, value))
        if tag == "53":
            out.append(tlv("54", amount_text(amount, exponent)))
    return with_crc("".join(out))
