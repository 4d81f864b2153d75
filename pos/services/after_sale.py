"""What happens inside a sale's, refund's or void's transaction once it is recorded: typed facts and the runner.

The steps themselves (online cart checkout, points, receipt) live with their services; which run, and in what
order, is declared once in `pos.bootstrap.AFTER_SALE`. A step gets a frozen fact and what earlier steps added,
and returns what it adds to the till's view (`{"loyalty": ...}`), so no step can change what a later one reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy.orm import Session

from common.tx import SessionTx, Writes


@dataclass(frozen=True)
class LineFact:
    id: str
    sku: str
    name: str
    qty: int
    unit_price: int
    line_discount: int
    sale_discount: int
    net: int
    tax_group: str


@dataclass(frozen=True)
class TenderFact:
    id: str
    type: str
    amount: int


@dataclass(frozen=True)
class CompletedSale:
    id: str
    number: str
    till_id: str
    staff_id: str | None
    completed_at: str
    subtotal: int
    discount: int
    total: int
    lines: tuple[LineFact, ...]
    tenders: tuple[TenderFact, ...]
    member_id: str | None
    # The sale as the till shows it, read-only: a receipt renders every figure of it.
    view: Mapping[str, Any]

    def paid_in(self, tender_type: str) -> int:
        return sum(t.amount for t in self.tenders if t.type == tender_type)


@dataclass(frozen=True)
class CompletedRefund:
    id: str
    number: str
    sale_id: str
    till_id: str
    amount: int
    points_back: int  # redeemed points this refund gives back (0 when none)
    view: Mapping[str, Any]


@dataclass(frozen=True)
class VoidedSale:
    id: str
    till_id: str


Fact = CompletedSale | CompletedRefund | VoidedSale


class AfterSaleStep(Protocol):
    """One declared step; `handles` names the facts it takes, so a runner never asks it about the others. It
    writes through `db` (common.tx.Writes): statements run by the driver, and `db.session` only when it needs the
    ORM (made on first use: a sale's completion makes none when no step asks for one)."""

    handles: tuple[type, ...]

    def __call__(self, db: Writes, fact: Any, added: Mapping[str, Any]) -> Mapping[str, Any]: ...


def sale_fact(view: Mapping[str, Any], member_id: str | None) -> CompletedSale:
    """The completed sale `view` as a fact; `member_id` is the member on the sale (the completing transaction has
    read it for the sale's event already)."""
    return CompletedSale(
        id=view["id"],
        number=view["number"],
        till_id=view["till_id"],
        staff_id=view.get("staff_id"),
        completed_at=view["completed_at"],
        subtotal=view["subtotal"],
        discount=view["discount"],
        total=view["total"],
        lines=tuple(LineFact(**{k: l[k] for k in LineFact.__dataclass_fields__}) for l in view["lines"]),
        tenders=tuple(TenderFact(t["id"], t["type"], t["amount"]) for t in view["tenders"]),
        member_id=member_id,
        view=MappingProxyType(dict(view)),
    )


def refund_fact(view: Mapping[str, Any]) -> CompletedRefund:
    back = view.get("points_back") or {}
    return CompletedRefund(
        id=view["id"],
        number=view["number"],
        sale_id=view["sale_id"],
        till_id=view["till_id"],
        amount=view["amount"],
        points_back=int(back.get("points", 0)),
        view=MappingProxyType(dict(view)),
    )


@dataclass(frozen=True)
class AfterSale:
    """The declared steps, run in their order inside the caller's transaction (a step that raises undoes it)."""

    steps: tuple[AfterSaleStep, ...] = ()

    def run(self, db: Writes | Session, fact: Fact) -> dict[str, Any]:
        steps_db = SessionTx(db) if isinstance(db, Session) else db
        added: dict[str, Any] = {}
        for step in self.steps:
            if isinstance(fact, step.handles):
                added.update(step(steps_db, fact, MappingProxyType(dict(added))))
        return added

    def sale_completed(self, db: Writes | Session, view: dict[str, Any], member_id: str | None) -> None:
        """Run the steps for the completed sale `view` (its member: `member_id`); what they add (points, receipt
        link) goes on the view."""
        view.update(self.run(db, sale_fact(view, member_id)))

    def refund_completed(self, db: Writes | Session, view: dict[str, Any]) -> None:
        view.update(self.run(db, refund_fact(view)))

    def sale_voided(self, db: Writes | Session, sale_id: str, till_id: str) -> None:
        self.run(db, VoidedSale(sale_id, till_id))
