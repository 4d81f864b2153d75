"""Column helpers and the constraint naming both databases' tables use."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import MappedColumn, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A random (version 4) UUID's fixed bits: version 4 and the RFC 4122 variant.
_V4_KEEP = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def _uuid_text(value: int) -> str:
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_id() -> str:
    """A random UUID (version 4) as text, as str(uuid.uuid4()) gives it, in half its time (a sale makes a dozen)."""
    return _uuid_text(int.from_bytes(os.urandom(16)) & _V4_KEEP | _V4_SET)


# A time-ordered (version 7) UUID's fixed bits in its low 80: version 7 and the RFC 9562 variant.
_V7_KEEP = ~((0xF << 76) | (0x3 << 62)) & ((1 << 80) - 1)
_V7_SET = (0x7 << 76) | (0x2 << 62)


def new_seq_id() -> str:
    """A time-ordered UUID (version 7: milliseconds since 1970, then 74 random bits) as text, for the rows a sale
    writes by the dozen (sale, lines, tenders, stock movements, outbox events): their keys then land on the
    rightmost page of each index instead of anywhere in it, so a transaction writes fewer B-tree pages to the WAL
    (bench/checkout.py). Not for anything that must not tell its time (tokens use `secrets`)."""
    return _uuid_text(time.time_ns() // 1_000_000 << 80 | int.from_bytes(os.urandom(10)) & _V7_KEEP | _V7_SET)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def uuid_pk() -> MappedColumn[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


def timestamp() -> MappedColumn[datetime]:
    return mapped_column(DateTime, default=utcnow, nullable=False)
