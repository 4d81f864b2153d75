"""Store-side tools for the sync tests: sale events in the outbox, real sales, an agent as its own process."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from common.contract.wire import canonical_json
from common.db import Database
from common.demo_data import demo_products
from common.pricing import taxes_by_group
from pos.adapters.config import StoreConfig
from pos.adapters.tables import Counter, OutboxEvent
from pos.services.context import StoreContext

STORE = "TOKO-01"
CATALOG = 40  # central knows SKU-00001 .. SKU-00040 (the store's demo DB knows more)
SKUS = [p.sku for p in demo_products()[:CATALOG]]


def sale_payload(store_id: str, n: int, skus: list[str] | None = None, qty: int = 1) -> dict[str, Any]:
    """A completed sale as the store's checkout writes it (two lines, one cash tender)."""
    skus = skus or [SKUS[n % CATALOG], SKUS[(n * 7 + 3) % CATALOG]]
    lines = [
        {
            "id": str(uuid.uuid4()),
            "sku": sku,
            "name": sku,
            "qty": qty,
            "unit_price": 3500,
            "line_discount": 0,
            "sale_discount": 0,
            "net": 3500 * qty,
            "tax_group": "PPN",
        }
        for sku in skus
    ]
    total = sum(l["net"] for l in lines)
    taxes = [
        {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
        for t in taxes_by_group([("PPN", 1100, total)])
    ]  # central checks tax per group at its own rate
    return {
        "sale_id": str(uuid.uuid4()),
        "number": f"{store_id}-T1-{n:06d}",
        "store_id": store_id,
        "till_id": "T1",
        "shift_id": None,
        "staff_id": None,
        "completed_at": "2026-11-23T10:00:00",
        "currency": "IDR",
        "lines": lines,
        "tenders": [{"id": str(uuid.uuid4()), "type": "cash", "amount": total}],
        "taxes": taxes,
        "subtotal": total,
        "discount": 0,
        "tax": taxes[0]["tax"],
        "rounding": 0,
        "total": total,
        "paid": total,
        "change": 0,
    }


def make_event(
    seq: int,
    payload: dict[str, Any] | None = None,
    type_: str = "sale.completed",
    event_id: str | None = None,
    store_id: str = STORE,
) -> Any:
    """An event as central's push service takes it (the agent's JSON, parsed)."""
    from central.services.envelope import Event

    payload = payload if payload is not None else sale_payload(store_id, seq)
    return Event(
        event_id or str(uuid.uuid4()),
        store_id,
        "T1",
        seq,
        type_,
        1,
        payload,
        hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
    )


def wire_event(store_id: str, seq: int, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """A sale event as a store's agent sends it in a push body (JSON), hash and all."""
    payload = payload if payload is not None else sale_payload(store_id, seq)
    return {
        "event_id": str(uuid.uuid4()),
        "store_id": store_id,
        "device_id": "T1",
        "store_seq": seq,
        "type": "sale.completed",
        "schema_version": 1,
        "payload": payload,
        "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
    }


def queue_events(db: Database, store_id: str, payloads: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Append events to the outbox fast (Core inserts, one transaction), continuing the store_seq counter."""
    with db.unit_of_work() as s:
        start = s.scalar(select(Counter.value).where(Counter.name == "store_seq"))
        if start is None:
            s.execute(insert(Counter).values(name="store_seq", value=0))
            start = 0
        rows, ids = [], []
        for i, (type_, payload) in enumerate(payloads, start=1):
            body = canonical_json(payload)
            ids.append(str(uuid.uuid4()))
            rows.append(
                {
                    "event_id": ids[-1],
                    "store_seq": start + i,
                    "store_id": store_id,
                    "device_id": "T1",
                    "type": type_,
                    "schema_version": 1,
                    "payload": body,
                    "payload_hash": hashlib.sha256(body.encode()).hexdigest(),
                }
            )
        for chunk in range(0, len(rows), 2000):
            s.execute(insert(OutboxEvent), rows[chunk : chunk + 2000])
        s.execute(update(Counter).where(Counter.name == "store_seq").values(value=start + len(rows)))
    return ids


def queue_sales(db: Database, n: int, store_id: str = STORE, **kw: Any) -> list[str]:
    return queue_events(db, store_id, [("sale.completed", sale_payload(store_id, i, **kw)) for i in range(1, n + 1)])


def unsent(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.acked_at.is_(None))) or 0)


AQUA_330 = "8990000100010"  # SKU-00001, Rp 3.500


def sell(store: StoreContext, actor: Any, items: list[tuple[str, int]]) -> dict[str, Any]:
    """Scan (barcode, qty) pairs, pay exact cash, complete: a real sale through the services."""
    from pos.services import checkout, till_sale

    view, _ = till_sale.create_sale(store, actor)
    for barcode, qty in items:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode, qty=qty)
    view = till_sale.add_tender(store, actor, view["id"], "cash", view["total"], None)
    return checkout.complete(store, actor, view["id"])


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return json.dumps(str(v))


def write_store_toml(path: Path, config: StoreConfig) -> Path:
    """The store's config as a file, for an agent started as its own process."""
    lines = []
    for table, values in config.model_dump().items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items() if v is not None]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def agent_process(config_path: Path, *args: str, code: str | None = None) -> Any:
    """`omnitoko sync ...` (or a python -c script) as a real process."""
    cmd = (
        [sys.executable, "-c", code]
        if code
        else [sys.executable, "-m", "omnitoko.cli", "sync", *args, "--config", str(config_path)]
    )
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(Path(__file__).resolve().parents[1])
    )
