"""The central database's declarative base: its own metadata, the same naming convention as the store's."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from common.tables import NAMING, new_id, timestamp, utcnow, uuid_pk

__all__ = ["CentralBase", "new_id", "timestamp", "utcnow", "uuid_pk"]


class CentralBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
