"""Products, categories and tax groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk


class TaxGroup(Base):
    __tablename__ = "tax_groups"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    rate_bp: Mapped[int] = mapped_column(Integer)


class Category(Base):
    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")


class Product(Base):
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
    # The item code a scale prints in a variable-measure label (common.scale_labels), without leading zeros.
    plu: Mapped[str | None] = mapped_column(String(8), unique=True)


class PriceChange(Base):
    """A shelf price that changed when central's new price arrived (the feed): its shelf label must be replaced.
    Pending until a manager marks it labelled (pos.services.shelf_labels)."""

    __tablename__ = "price_changes"
    id: Mapped[str] = uuid_pk()
    sku: Mapped[str] = mapped_column(String(32), index=True)
    old_price: Mapped[int] = mapped_column(BigInteger)
    new_price: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = timestamp()
    labelled_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    labelled_by: Mapped[str | None] = mapped_column(String(36))
