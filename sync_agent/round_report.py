"""What one sync round reports: the push tally, the pull's pages and whether it is current, what stopped it, and
the one line `omnitoko sync once` prints of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .outbox import PushTally


@dataclass
class RoundReport:
    push: PushTally = field(default_factory=PushTally)
    pulled: int = 0
    pages: int = 0
    current: bool = False
    queue_depth: int = 0
    error: str | None = None
    retry_after: float | None = None  # central said when to come back (503 busy)
    unreachable: bool = False  # no answer at all (not up yet, network down), rather than a refusal
    lease_busy: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.lease_busy and self.current and self.queue_depth == 0

    def summary(self) -> str:
        if self.lease_busy:
            return "another sync agent is running for this store; nothing done"
        p = self.push
        parts = [
            f"pushed {p.sent - p.waiting} events (applied {p.applied}, already there {p.duplicates}, "
            f"refused {p.rejected}, conflicts {p.conflicts})",
            f"pulled {self.pulled} changes in {self.pages} pages",
        ]
        if p.codes:
            parts.append("refused: " + ", ".join(f"{c} x{n}" for c, n in sorted(p.codes.items())))
        parts.append(f"{self.queue_depth} events waiting" if self.queue_depth else "outbox empty")
        parts.append("pull current" if self.current else "pull NOT current")
        text = "; ".join(parts + self.notes)
        return text + (f"; error: {self.error}" if self.error else "")
