"""Declarative base of the store's tables; the column helpers are shared with central (common.tables)."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from common.tables import NAMING, new_id, timestamp, utcnow, uuid_pk

__all__ = ["Base", "new_id", "timestamp", "utcnow", "uuid_pk"]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every model here is declared with __tablename__, so its __table__ is a Table (DeclarativeBase types a FromClause).
    __table__: ClassVar[Table]
