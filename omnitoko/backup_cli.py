"""`omnitoko store backup` and `omnitoko store restore FILE` (issue 19)."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any

from common.config_reader import ConfigError
from common.errors import DomainError
from common.money import format_money
from common.tables import utcnow
from pos import bootstrap
from pos.adapters import backups
from pos.adapters.config import StoreConfig, load_config
from pos.adapters.migrate import upgrade
from pos.services import restore as restore_service

MAX_SALE_PAGES = 50  # of central's sales after the backup, 1,000 a page: a restore reads 50,000 at most


class Refused(DomainError):
    pass


def backup(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    dest = Path(args.dir or config.backup.dir)
    if not str(dest) or str(dest) == ".":
        raise ConfigError("no backup folder: set [backup] dir in the config or pass --dir")
    try:
        made = backups.take(backups.sqlite_path(config.database.url), dest, config.store.id, config.backup.keep)
    except backups.BackupError as e:
        raise Refused("backup_failed", str(e)) from e
    print(f"backup written: {made} ({made.stat().st_size:,} bytes, checksum in {made.name}.sha256)")
    return 0


def restore(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    target = backups.sqlite_path(config.database.url)
    try:
        info = backups.verify(Path(args.file))
    except backups.BackupError as e:
        raise Refused("bad_backup", f"not restored: {e}") from e
    if info.store_id != config.store.id or info.other_stores:
        found = ", ".join([info.store_id, *info.other_stores])
        raise Refused(
            "other_store",
            f"not restored: {info.path.name} is a backup of store {found}, and this config is store {config.store.id}",
        )
    _refuse_if_running(config, target)
    central = _ask_central(config, info.store_seq, args.without_central)
    aside = backups.set_aside(target)
    backups.copy_into_place(info.path, target)
    upgrade(config.database.url)  # a backup from an older version is brought up to this one
    ctx = bootstrap.store_context(config)
    try:
        done = restore_service.continue_after_central(ctx, central, str(info.path))
    finally:
        ctx.db.dispose()
    for line in report(info, central, done, aside):
        print(line)
    return 0


def _refuse_if_running(config: StoreConfig, target: Path) -> None:
    """The store server and the sync agent must be stopped: a restore under a running server would be lost."""
    try:
        with socket.create_connection((config.server.host, config.server.port), timeout=0.5):
            pass
        raise Refused(
            "store_running",
            f"not restored: the store server still answers on {config.server.host}:{config.server.port}; stop it "
            "and the sync agent first (systemctl stop omnitoko-store omnitoko-sync)",
        )
    except OSError:
        pass
    if target.exists():
        from common.db import Database
        from sync_agent import state

        db = Database(f"sqlite:///{target}")
        try:
            owner, until = state.lease_holder(db)
        except Exception:  # noqa: BLE001 - a damaged or empty file has no agent lease to respect
            owner, until = None, None
        finally:
            db.dispose()
        if owner and until is not None and until > utcnow() and not state.owner_is_gone(owner):
            raise Refused("agent_running", f"not restored: the sync agent {owner} is running; stop it first")


def _ask_central(config: StoreConfig, after_seq: int, without: bool) -> dict[str, Any] | None:
    if not config.sync.central_url or not config.sync.token:
        print("this store does not sync ([sync] central_url empty): the backup is restored as it is")
        return None
    from sync_agent.client import CentralClient, CentralError

    client = CentralClient(config.sync.central_url, config.sync.token, config.sync.timeout_seconds, agent_id="restore")
    try:
        return _with_all_sales(client, client.recovery(after_seq), after_seq)
    except CentralError as e:
        if without:
            print(f"WARNING: central not asked ({e}); receipt numbers and events may repeat ones central holds")
            return None
        raise Refused(
            "central_unreachable",
            f"not restored: the central store must say what it holds of this store ({e}); try again when it "
            "answers, or pass --without-central for a store whose sales never reached it",
        ) from e


def _with_all_sales(client: Any, answer: dict[str, Any], after_seq: int) -> dict[str, Any]:
    """Central names its sales after the backup a page at a time: ask for the next ones (before the restore's
    transaction: no network call inside it) until it has named them all or MAX_SALE_PAGES were read. Central must
    move on at each page; `sales_completed_next` stays set when some were not read (the restore says so)."""
    sales = list(answer.get("sales_completed_after") or [])
    at, pages = answer.get("sales_completed_next"), 1
    while isinstance(at, int) and after_seq < at <= int(answer.get("store_seq") or 0) and pages < MAX_SALE_PAGES:
        page = client.recovery(at)
        sales += page.get("sales_completed_after") or []
        after_seq, at, pages = at, page.get("sales_completed_next"), pages + 1
    return answer | {"sales_completed_after": sales, "sales_completed_next": at}


def report(
    info: backups.BackupInfo, central: dict[str, Any] | None, done: dict[str, Any], aside: Path | None
) -> list[str]:
    lines = [f"restored {info.path.name} (taken {info.taken_at or 'at an unknown time'}) for store {info.store_id}"]
    if aside is not None:
        lines.append(f"  the database it replaced was kept as {aside}")
    lines.append(
        f"  the backup holds {info.sales} sales and events up to store_seq {info.store_seq} "
        f"({info.unsent} not yet acknowledged by central)"
    )
    if central is not None:
        after = sum(central["events_after"].values())
        lines.append(
            f"  central holds {after} later events of this store ({central['sales_after']} sales, "
            f"{central['sales_total_after']:,} in total; {central['refunds_after']} refunds): they stay there"
        )
        numbers = central["receipt_numbers_after"]
        if numbers:
            lines.append(f"  receipts at central only: {numbers[0]} .. {numbers[-1]}")
        if done["stock_skus"]:
            lines.append(f"  their stock movements were recorded here again ({done['stock_skus']} SKUs)")
        lines.extend(_cash_lines(done))
        lines.extend(_sale_lines(done))
        lines.extend(_refund_lines(done))
        lines.extend(_shift_lines(done))
    lines.append(
        f"  the next event is store_seq {done['store_seq'] + 1} (the backup's was {done['store_seq_before'] + 1})"
    )
    for till, (before, now) in sorted(done["tills"].items()):
        lines.append(f"  till {till}: receipts continue at {now + 1:06d} (the backup's next was {before + 1:06d})")
    lines.append(
        "  the sync agent pushes what central lacks (what it holds already is answered as a duplicate) and pulls "
        "the catalog, prices, stock figures and balances from the backup's cursor on"
    )
    lines.append("  start the store server and the sync agent again")
    return lines


def _cash_lines(done: dict[str, Any]) -> list[str]:
    """The cash moves central holds that the backup lacked, recorded again, and any not recorded (with why)."""
    moves = done.get("cash_moves") or []
    lines = [f"  their cash moves were recorded here again under the same ids ({len(moves)}):"] if moves else []
    for m in moves:
        lines.append(
            f"    till {m['till_id']}, shift {m['shift_id'][:8]}: cash {m['direction']} "
            f"{format_money(m['amount'])} ({m['reason']}) at {m['at']}"
        )
    lines.extend(f"  WARNING: {why}" for why in done.get("cash_refused") or [])
    return lines


def _sale_lines(done: dict[str, Any]) -> list[str]:
    """The sales central holds that the backup lacked, recorded again (count, total, per till), and any not."""
    sales = done.get("sales") or []
    lines = []
    if sales:
        lines.append(
            f"  their sales were recorded here again under the same numbers ({len(sales)}, "
            f"{format_money(sum(m['total'] for m in sales))}), without their stock (above) and with no new event:"
        )
        lines.extend(_per_till(sales, "sales", "total"))
    for shift in done.get("shifts_closed_at_central") or []:
        lines.append(f"    shift {shift[:8]} was opened after the backup: it is back as closed (its Z is central's)")
    lines.extend(f"  WARNING: {why}" for why in done.get("sales_refused") or [])
    return lines


def _per_till(rows: list[dict[str, Any]], kind: str, amount: str) -> list[str]:
    """Per till: how many sales (refunds) were recorded again, their money, and their numbers from .. to."""
    lines = []
    for till in sorted({m["till_id"] for m in rows}):
        of_till = [m for m in rows if m["till_id"] == till]
        numbers = sorted((m["number"] for m in of_till), key=lambda n: (len(n), n))
        lines.append(
            f"    till {till}: {len(of_till)} {kind}, {format_money(sum(m[amount] for m in of_till))} "
            f"({numbers[0]} .. {numbers[-1]})"
        )
    return lines


def _refund_lines(done: dict[str, Any]) -> list[str]:
    """The refunds central holds that the backup lacked, recorded again (count, amount, per till), and any not."""
    refunds = done.get("refunds") or []
    lines = []
    if refunds:
        lines.append(
            f"  their refunds were recorded here again under the same numbers ({len(refunds)}, "
            f"{format_money(sum(r['amount'] for r in refunds))}): the lines they gave back cannot be refunded again"
        )
        lines.extend(_per_till(refunds, "refunds", "amount"))
    lines.extend(f"  WARNING: {why}" for why in done.get("refunds_refused") or [])
    return lines


def _shift_lines(done: dict[str, Any]) -> list[str]:
    """The shifts closed at central after the backup, closed here with their Z, and any not closed (with why)."""
    closed = done.get("shifts_closed") or []
    lines = (
        [f"  shifts closed at central after the backup, closed here with their Z ({len(closed)}):"] if closed else []
    )
    for c in closed:
        lines.append(
            f"    till {c['till_id']}, shift {c['shift_id'][:8]}: Z at {c['closed_at']}, counted "
            f"{format_money(c['counted_cash'])}, expected {format_money(c['expected_cash'])}, variance "
            f"{format_money(c['variance'])}" + (" (brought back above)" if c["brought_back"] else "")
        )
    if closed:
        lines.append("    the till opens a new shift with its float at the next sign-in")
    lines.extend(f"  WARNING: {why}" for why in done.get("shifts_refused") or [])
    return lines


def register(store: argparse._SubParsersAction) -> None:
    p = store.add_parser("backup", help="an online backup of the store database now, into [backup] dir")
    p.add_argument("--config")
    p.add_argument("--dir", help="another folder than [backup] dir")
    p.set_defaults(run=backup)
    p = store.add_parser(
        "restore",
        help="put a backup back (server and agent stopped): checks its checksum and store, continues after central",
    )
    p.add_argument("file", help="the backup file (its .sha256 beside it)")
    p.add_argument("--config")
    p.add_argument(
        "--without-central",
        action="store_true",
        help="restore although central does not answer (only for a store whose sales never reached it)",
    )
    p.set_defaults(run=restore)
