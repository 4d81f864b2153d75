"""Points arithmetic: what a sale earns, what a refund takes back and gives back. Integers only."""

from __future__ import annotations


def points_earned(paid_after_discounts: int, per_amount: int) -> int:
    """1 point per `per_amount` paid (after discounts, not counting points), rounded down."""
    if per_amount <= 0 or paid_after_discounts <= 0:
        return 0
    return paid_after_discounts // per_amount


def share(points: int, refunded_so_far: int, sale_total: int) -> int:
    """The points that belong to `refunded_so_far` of `sale_total`, rounded half up.

    Used cumulatively (share after this refund minus what earlier refunds took), so refunding a sale in
    parts takes back exactly what refunding it at once would, and a full refund takes back all of it.
    """
    if sale_total <= 0 or points <= 0 or refunded_so_far <= 0:
        return 0
    refunded_so_far = min(refunded_so_far, sale_total)
    return (2 * points * refunded_so_far + sale_total) // (2 * sale_total)


def mask_name(name: str) -> str:
    """ "Budi Santoso" -> "Bu** Sa*****": enough for a shopper to recognise, not for a passer-by to read."""
    return " ".join(w[:2] + "*" * max(0, len(w) - 2) for w in name.split())


def mask_phone(phone: str) -> str:
    return phone[:4] + "*" * max(0, len(phone) - 7) + phone[-3:] if len(phone) > 7 else "*" * len(phone)


def show_phone(phone: str) -> str:
    """A stored number (62 + digits) as people in Indonesia write it: 0812-0000-0001 (groups of four after 0)."""
    if not (phone.startswith("62") and phone.isdigit()):
        return phone
    local = "0" + phone[2:]
    return "-".join(local[i : i + 4] for i in range(0, len(local), 4))


def normalize_phone(raw: str) -> str:
    """Indonesian mobile numbers in any usual spelling (0812-..., +62 812 ..., 62812...) as 62 + digits."""
    from .errors import DomainError

    digits = "".join(ch for ch in (raw or "") if ch not in " ().-")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise DomainError("bad_phone", "a phone number has digits only (spaces, dashes and a leading + are fine)")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not 10 <= len(digits) <= 15:
        raise DomainError("bad_phone", "a phone number has 9 to 13 digits after the country code")
    return digits
