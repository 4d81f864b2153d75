"""Demo data that looks like an Indonesian minimarket: 300+ products, staff, tills, opening stock."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from common.barcodes import ean13_check_digit

CATEGORIES = [
    ("drinks", "Minuman", "Drinks"),
    ("instant", "Makanan Instan & Bumbu", "Instant food & condiments"),  # kecap, sambal, Royco too
    ("snacks", "Makanan Ringan", "Snacks"),
    ("household", "Rumah Tangga", "Household"),
    ("personal", "Perawatan Diri", "Personal care"),
    ("fresh", "Segar", "Fresh"),
]

TAX_GROUPS = [("PPN", "PPN 11%", 1100), ("NONPPN", "Bebas PPN 0%", 0)]

# (category, base name, [(size, price)], tax group): sizes and prices as on Jakarta shelves.
FAMILIES: list[tuple[str, str, list[tuple[str, int]], str]] = [
    ("drinks", "Air Mineral Aqua", [("330ml", 3500), ("600ml", 4500), ("1500ml", 7000)], "PPN"),
    ("drinks", "Le Minerale", [("330ml", 3000), ("600ml", 4000), ("1500ml", 6500)], "PPN"),
    ("drinks", "Teh Botol Sosro", [("Kotak 250ml", 4000), ("Botol 450ml", 6500)], "PPN"),
    ("drinks", "Teh Pucuk Harum", [("350ml", 4000)], "PPN"),
    ("drinks", "Pocari Sweat", [("350ml", 7500), ("500ml", 9500)], "PPN"),
    ("drinks", "Mizone", [("Lychee Lemon 500ml", 6000), ("Orange Lime 500ml", 6000)], "PPN"),
    (
        "drinks",
        "Good Day Kopi",
        [("Cappuccino 250ml", 7000), ("Mocacinno 250ml", 7000), ("Vanilla Latte 250ml", 7000)],
        "PPN",
    ),
    (
        "drinks",
        "Ultra Milk",
        [("Coklat 250ml", 6500), ("Full Cream 250ml", 6500), ("Stroberi 250ml", 6500), ("Full Cream 1L", 19500)],
        "PPN",
    ),
    ("drinks", "Coca-Cola", [("390ml", 6000), ("1.5L", 15500)], "PPN"),
    ("drinks", "Fanta", [("Stroberi 390ml", 6000), ("Jeruk 390ml", 6000)], "PPN"),
    ("drinks", "Sprite", [("390ml", 6000)], "PPN"),
    ("drinks", "Kopi Kapal Api", [("Special Mix 10x25g", 14500), ("Bubuk 165g", 14000)], "PPN"),
    ("drinks", "Susu Bear Brand", [("189ml", 10500)], "PPN"),
    ("drinks", "Yakult", [("5x65ml", 11000)], "PPN"),
    (
        "instant",
        "Indomie",
        [
            ("Goreng", 3500),
            ("Soto", 3200),
            ("Kari Ayam", 3300),
            ("Ayam Bawang", 3200),
            ("Rendang", 3700),
            ("Goreng Aceh", 3700),
        ],
        "PPN",
    ),
    (
        "instant",
        "Mie Sedaap",
        [("Goreng", 3400), ("Soto", 3100), ("Kari Spesial", 3300), ("Korean Spicy", 4500)],
        "PPN",
    ),
    ("instant", "Sarimi", [("Isi 2 Goreng", 4000), ("Isi 2 Soto", 3800)], "PPN"),
    ("instant", "Pop Mie", [("Ayam", 5500), ("Baso", 5500), ("Pedas Dower", 6000)], "PPN"),
    ("instant", "Sarden ABC", [("Saus Tomat 155g", 11500), ("Cabai 155g", 11500)], "PPN"),
    ("instant", "Kornet Pronas", [("198g", 24500)], "PPN"),
    ("instant", "Bubur Instan SUN", [("Ayam 120g", 9500), ("Beras Merah 120g", 9500)], "PPN"),
    ("instant", "Kecap Bango", [("Manis 220ml", 12500), ("Manis 550ml", 24000)], "PPN"),
    ("instant", "Saus Sambal ABC", [("135ml", 8000), ("335ml", 14500)], "PPN"),
    ("instant", "Royco", [("Ayam 100g", 5500), ("Sapi 100g", 5500)], "PPN"),
    ("snacks", "Chitato", [("Sapi Panggang 68g", 11500), ("Ayam Bumbu 68g", 11500), ("Keju 68g", 11500)], "PPN"),
    ("snacks", "Qtela", [("Singkong Balado 60g", 7500), ("Tempe 60g", 7500)], "PPN"),
    ("snacks", "Taro Net", [("Seaweed 65g", 9000), ("BBQ 65g", 9000)], "PPN"),
    ("snacks", "Beng-Beng", [("20g", 2500), ("Share It 9x9.5g", 13500)], "PPN"),
    ("snacks", "SilverQueen", [("Almond 58g", 15500), ("Cashew 58g", 15500)], "PPN"),
    ("snacks", "Oreo", [("Vanila 133g", 9500), ("Coklat 133g", 9500)], "PPN"),
    ("snacks", "Roma Kelapa", [("300g", 11000)], "PPN"),
    ("snacks", "Good Time", [("Cookies 72g", 8500)], "PPN"),
    ("snacks", "Tango Wafer", [("Coklat 130g", 9000), ("Vanila 130g", 9000)], "PPN"),
    ("snacks", "Kacang Garuda", [("Kulit 100g", 9000), ("Atom 100g", 7500)], "PPN"),
    ("snacks", "Richeese Nabati", [("Keju 50g", 2500), ("Coklat 50g", 2500)], "PPN"),
    ("snacks", "Sari Roti", [("Tawar Spesial", 16500), ("Sobek Coklat", 14500), ("Roti Isi Srikaya", 5500)], "PPN"),
    ("household", "Rinso", [("Bubuk 770g", 26500), ("Cair 750ml", 21500)], "PPN"),
    ("household", "Sunlight", [("Jeruk Nipis 755ml", 17500), ("Jeruk Nipis 210ml", 6000)], "PPN"),
    ("household", "So Klin", [("Pewangi 900ml", 15000), ("Lantai 780ml", 13500)], "PPN"),
    ("household", "Molto", [("Pewangi Biru 900ml", 23500), ("Ultra Sekali Bilas 720ml", 19500)], "PPN"),
    ("household", "Baygon", [("Aerosol 600ml", 43500), ("Bakar 10 Koil", 9000)], "PPN"),
    ("household", "Tisu Paseo", [("Facial 250 lembar", 19500), ("Toilet 10 roll", 42000)], "PPN"),
    ("household", "Stella", [("Pengharum Jeruk 70g", 12500)], "PPN"),
    ("household", "Wipol", [("Karbol Cemara 780ml", 18500)], "PPN"),
    ("household", "Baterai ABC", [("AA 2pcs", 9500), ("AAA 2pcs", 9500)], "PPN"),
    ("household", "Minyak Goreng Bimoli", [("1L", 21500), ("2L", 41500)], "PPN"),
    ("household", "Gula Pasir Gulaku", [("1kg", 18500)], "NONPPN"),
    ("household", "Beras Pandan Wangi", [("5kg", 78000)], "NONPPN"),
    ("household", "Garam Refina", [("250g", 4500)], "NONPPN"),
    ("personal", "Lifebuoy", [("Sabun Batang 110g", 4500), ("Body Wash 450ml", 26500)], "PPN"),
    ("personal", "Pepsodent", [("Pencegah Gigi Berlubang 190g", 14500), ("Herbal 190g", 15500)], "PPN"),
    ("personal", "Sikat Gigi Formula", [("Soft", 6500), ("Medium", 6500)], "PPN"),
    ("personal", "Sunsilk", [("Black Shine 170ml", 26000), ("Smooth 170ml", 26000)], "PPN"),
    ("personal", "Pantene", [("Anti Ketombe 160ml", 29500)], "PPN"),
    ("personal", "Clear", [("Men Cool Sport 160ml", 31500)], "PPN"),
    ("personal", "Rexona", [("Roll On Men 45ml", 19500), ("Roll On Women 45ml", 19500)], "PPN"),
    ("personal", "Ponds", [("Facial Foam 100g", 27500)], "PPN"),
    ("personal", "Citra", [("Hand Body 230ml", 22500)], "PPN"),
    ("personal", "Softex", [("Daun Sirih 8s", 9000)], "PPN"),
    ("personal", "Popok MamyPoko", [("M 20", 49500), ("L 18", 49500)], "PPN"),
    ("personal", "Minyak Kayu Putih Cap Lang", [("60ml", 24500)], "PPN"),
    ("fresh", "Telur Ayam", [("10 butir", 28000), ("1kg", 29500)], "NONPPN"),
    ("fresh", "Pisang Cavendish", [("1 sisir", 24000)], "NONPPN"),
    ("fresh", "Tomat", [("500g", 9000)], "NONPPN"),
    ("fresh", "Cabai Merah", [("250g", 15000)], "NONPPN"),
    ("fresh", "Bawang Merah", [("250g", 12500)], "NONPPN"),
    ("fresh", "Bawang Putih", [("250g", 10500)], "NONPPN"),
    ("fresh", "Tahu Putih", [("10 pcs", 8000)], "NONPPN"),
    ("fresh", "Tempe", [("Papan 300g", 7000)], "NONPPN"),
    ("fresh", "Jeruk Medan", [("1kg", 32000)], "NONPPN"),
    ("fresh", "Apel Fuji", [("1kg", 45000)], "NONPPN"),
    ("fresh", "Sayur Bayam", [("1 ikat", 4000)], "NONPPN"),
    ("fresh", "Kangkung", [("1 ikat", 3500)], "NONPPN"),
]
# Pack sizes multiply the family into the ranges a minimarket really stocks.
PACKS = [("", 1, 1.0), ("Isi 3", 3, 0.97), ("Isi 6", 6, 0.95), ("Karton 24", 24, 0.9)]


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    barcode: str
    name: str
    category: str
    price: int
    tax_group: str
    opening_stock: int  # grams for a weighed product
    measure: str = "unit"  # common.measure: unit | weight (price per kg) | label (the scale label's price)
    plu: str | None = None  # the item code its scale labels carry


@dataclass(frozen=True)
class DemoStaff:
    code: str
    name: str
    role: str
    pin: str


STAFF = [
    DemoStaff("1001", "Siti Rahayu", "cashier", "1234"),
    DemoStaff("1002", "Budi Santoso", "cashier", "2345"),
    DemoStaff("9001", "Dewi Lestari", "manager", "4321"),
]


def ean13(n: int, prefix: str = "899") -> str:
    body = f"{prefix}{n:0{12 - len(prefix)}d}"
    return body + str(ean13_check_digit(body))


def _round_price(value: float) -> int:
    return max(500, int(round(value / 500.0)) * 500)


def demo_products(minimum: int = 320) -> list[DemoProduct]:
    """The minimarket catalog: every family in single units, then multipacks until `minimum` is reached (goods sold
    by the item; the demo loads `weighed_products()` beside them)."""
    rng = random.Random(2026)
    out: list[DemoProduct] = []
    single: dict[str, int] = {}  # a family member's single price: a pack always costs less than its units alone
    for pack_label, units, factor in PACKS:
        for category, base, variants, tax in FAMILIES:
            if pack_label and (category == "fresh" or len(out) >= minimum):
                continue
            for size, price in variants:
                n = len(out) + 1
                name = " ".join(x for x in (base, size, pack_label) if x)
                one = single.setdefault(f"{base} {size}", _round_price(price))
                # rounded to Rp 500 like the rest, but never dearer than its units bought one by one
                pack = min(_round_price(price * units * factor), one * units - 500) if pack_label else one
                out.append(
                    DemoProduct(
                        sku=f"SKU-{n:05d}",
                        barcode=ean13(10_000 + n),
                        name=name,
                        category=category,
                        price=pack,
                        tax_group=tax,
                        opening_stock=rng.randint(12, 120) if not pack_label else rng.randint(2, 20),
                    )
                )
    return out


# Weighed and label-priced fresh goods (issue 16): (sku, name, price per kg or usual label price, measure, PLU,
# opening stock in grams or labels). Their shelf barcodes ring them with a typed weight; scale labels carry the PLU.
WEIGHED: list[tuple[str, str, int, str, str, int]] = [
    ("SKU-W0001", "Beras Curah Pandan Wangi", 14_000, "weight", "101", 150_000),
    ("SKU-W0002", "Daging Sapi Has Dalam", 145_000, "weight", "102", 20_000),
    ("SKU-W0003", "Apel Fuji", 42_000, "weight", "103", 30_000),
    ("SKU-W0004", "Tomat Merah", 18_000, "weight", "104", 2_000),
    ("SKU-W0005", "Kue Lapis Legit Potong", 35_000, "label", "201", 40),
]


def weighed_products() -> list[DemoProduct]:
    """The demo's products sold by weight or by label price, with shelf barcodes 899000009001...."""
    return [
        DemoProduct(sku, ean13(9_000 + i), name, "fresh", price, "NONPPN", stock, measure, plu)
        for i, (sku, name, price, measure, plu, stock) in enumerate(WEIGHED, start=1)
    ]


def sample_labels(layout_prefix_weight: str = "20", layout_prefix_price: str = "25") -> list[tuple[str, str]]:
    """Scale labels a demo user can type at the till: (code, what it rings), in the default layout (2+5+5+1)."""
    out = []
    for plu, value, prefix, what in (
        ("101", 1_250, layout_prefix_weight, "Beras Curah 1,250 kg"),
        ("103", 845, layout_prefix_weight, "Apel Fuji 0,845 kg"),
        ("102", 500, layout_prefix_weight, "Daging Sapi 0,500 kg"),
        ("201", 37_500, layout_prefix_price, "Kue Lapis Legit Rp 37.500"),
    ):
        body = f"{prefix}{int(plu):05d}{value:05d}"
        out.append((body + str(ean13_check_digit(body)), what))
    return out


def bulk_products(count: int, start: int = 1_000_000) -> Iterator[dict[str, object]]:
    """Many synthetic products (for benchmarks with a 100,000-item catalog)."""
    for i in range(count):
        n = start + i
        yield {
            "sku": f"BULK-{n}",
            "barcode": ean13(n, prefix="20"),
            "name": f"Barang Grosir {n}",
            "category": "household",
            "price": 1000 + (n % 97) * 500,
            "tax_group": "PPN",
        }
