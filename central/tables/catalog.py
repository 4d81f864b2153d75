"""The catalog every channel sells from: tax groups, categories, products (barcode, price), promotions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, PrimaryKeyConstraint, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class TaxGroup(CentralBase):
    __tablename__ = "tax_groups"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    rate_bp: Mapped[int] = mapped_column(Integer)


class Category(CentralBase):
    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")


class Product(CentralBase):
    __tablename__ = "products"
    id: Mapped[str] = uuid_pk()
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    barcode: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    category: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    price: Mapped[int] = mapped_column(BigInteger)
    tax_group: Mapped[str] = mapped_column(ForeignKey("tax_groups.code"))
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # common.measure: unit | weight (sold per kg, stock in grams) | label (the scale label carries the price)
    measure: Mapped[str] = mapped_column(String(8), default="unit", server_default="unit")
    plu: Mapped[str | None] = mapped_column(String(8), unique=True)  # the item code in a scale label
    updated_at: Mapped[datetime] = timestamp()


class Promotion(CentralBase):
    """A percent (basis points), an amount off, or a multi-buy on the listed SKUs between two dates."""

    __tablename__ = "promotions"
    id: Mapped[str] = uuid_pk()
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))  # percent | amount | bundle | free
    # basis points for percent, minor units for amount, a set's price for bundle, the items free of a set for free
    value: Mapped[int] = mapped_column(BigInteger)
    set_qty: Mapped[int | None] = mapped_column(Integer)  # a multi-buy's set: 2 untuk Rp X is 2, Beli 2 Gratis 1 is 3
    mixed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # a multi-buy's products may be mixed in a set
    skus: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = timestamp()


class PromotionTerms(CentralBase):
    """Every set of terms a promotion has had (kind, value, set size, SKUs), kept once each: a store offline for
    days may still price with terms central has since changed, so its promotion discounts are checked against the
    most generous of them (central/services/promotion_checks.py). Written with each save of the promotion."""

    __tablename__ = "promotion_terms"
    __table_args__ = (PrimaryKeyConstraint("promotion_id", "terms_key"),)
    promotion_id: Mapped[str] = mapped_column(String(36))
    terms_key: Mapped[str] = mapped_column(String(64))  # sha256 of the terms (kind, value, set_qty, skus, mixed)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(BigInteger)
    set_qty: Mapped[int | None] = mapped_column(Integer)
    mixed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    skus: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, sorted
    recorded_at: Mapped[datetime] = timestamp()


class PriceHistory(CentralBase):
    """Every price a product has had at central, kept once each: central pushes prices to the stores, and a store
    offline for days rightly sells at one central has since changed, so a sale line's unit price is checked
    against all of them (central/services/price_checks.py). Written with each save of the product (the price it
    had and the one it gets); the current price in `products` counts too."""

    __tablename__ = "price_history"
    __table_args__ = (PrimaryKeyConstraint("sku", "price"),)
    sku: Mapped[str] = mapped_column(String(32))
    price: Mapped[int] = mapped_column(BigInteger)  # a weighed product's price per kg
    recorded_at: Mapped[datetime] = timestamp()
