"""The central database's declarative base: its own metadata, the same naming convention as the store's."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from common.tables import NAMING, new_id, timestamp, utcnow, uuid_pk

__all__ = ["CentralBase", "new_id", "timestamp", "utcnow", "uuid_pk"]


class CentralBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every model here is declared with __tablename__, so its __table__ is a Table (DeclarativeBase types a FromClause).
    __table__: ClassVar[Table]
