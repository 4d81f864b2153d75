"""EAN-13 check digits."""

from __future__ import annotations

from collections.abc import Iterable


def ean13_check_digit(first12: str) -> int:
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("EAN-13 needs 12 digits before the check digit")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


def barcode_clash(sku: str, barcode: str | None, others: Iterable[tuple[str, str | None]]) -> str | None:
    """Why this product's barcode (or SKU) would make a scan ring another product, or None.

    `others` are the (sku, barcode) of the other products; a barcode equal to the product's own SKU is harmless.
    """
    for other_sku, other_barcode in others:
        if other_sku == sku:
            continue
        if barcode and barcode == other_barcode:
            return f"barcode {barcode} already belongs to {other_sku}"
        if barcode and barcode == other_sku:
            return f"barcode {barcode} is the SKU of another product ({other_sku}): a scan would ring the wrong item"
        if other_barcode and other_barcode == sku:
            return f"SKU {sku} is the barcode of another product ({other_sku}): a scan would ring the wrong item"
    return None


def catalog_clashes(products: Iterable[tuple[str, str | None]]) -> list[str]:
    """Every clash in a whole catalog being imported (each product against all the others)."""
    rows = list(products)
    skus = {sku for sku, _ in rows}
    owner: dict[str, str] = {}
    found = []
    for sku, barcode in rows:
        if not barcode:
            continue
        if barcode in owner and owner[barcode] != sku:
            found.append(f"barcode {barcode} already belongs to {owner[barcode]} (and to {sku})")
        elif barcode != sku and barcode in skus:
            found.append(f"barcode {barcode} of {sku} is the SKU of another product: a scan would ring the wrong item")
        owner.setdefault(barcode, sku)
    return found
