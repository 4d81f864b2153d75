"""The central store as a chain runs it: server workers (granian, or gunicorn), housekeeping once across processes,
one signing key."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from pathlib import Path

import pytest
import requests
from servekit import free_port, served
from synckit import central, pg_schema, pg_url, push_in_turn  # noqa: F401

from bench.scale_meter import children
from central.config import CentralConfig
from central.services import housekeeping, member_cards
from central.services.context import CentralContext
from central.services.singleton import exclusive
from central.tables import Sale
from common.db import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("engine", ["granian", "gunicorn"])
def test_central_serve_runs_its_workers_and_a_housekeeping_worker(central, tmp_path, engine):
    port = free_port()
    env_url = central.ctx.config.database.url
    cmd = [
        sys.executable,
        "-m",
        "omnitoko.cli",
        "central",
        "serve",
        "--server",
        engine,
        "--workers",
        "2",
        "--threads",
        "4",
        "--port",
        str(port),
        "--config",
        str(ROOT / "central.toml"),
    ]
    env = {
        **os.environ,
        "OMNITOKO_CENTRAL_DATABASE__URL": env_url,
        "OMNITOKO_CENTRAL_SERVER__SECRET_KEY": "a-test-secret-of-enough-length-0123456789",
        "OMNITOKO_CENTRAL_LOYALTY__SIGNING_KEY_FILE": str(tmp_path / "signing.key"),
    }
    base = f"http://127.0.0.1:{port}"
    old_env = os.environ.copy()
    os.environ.update(env)
    try:
        with served(cmd, ROOT, tmp_path / "central.log", f"{base}/api/v1/health", "central serve") as proc:
            health = requests.get(f"{base}/api/v1/health", timeout=5)
            assert engine in health.headers.get("Server", "").lower()  # not Werkzeug's development server

            codes: list[int] = []
            threads = [
                threading.Thread(target=lambda s=s: codes.append(push_in_turn(base, central.token, s)))
                for s in range(1, 21)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert codes == [200] * 20
            assert central.count(Sale) == 20
            children = _children(proc.pid)
            assert len(children) >= 3, children  # two web workers and the housekeeping worker
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    log = (tmp_path / "central.log").read_text(errors="replace")
    assert f"{engine}, 2 workers x 4 threads" in log and "Traceback" not in log, log


def _children(pid: int) -> list[str]:
    return [
        Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace") for p in children(pid)
    ]


def test_housekeeping_runs_in_one_process_at_a_time_and_the_others_skip(central):
    """Two processes' schedules firing at once (here: two contexts with their own connections): one runs."""
    started, release = threading.Event(), threading.Event()

    def slow_job(ctx: CentralContext) -> str:
        started.set()
        release.wait(10)
        return "done"

    first = housekeeping.Housekeeping(central.ctx, every=60, jobs=(("slow", slow_job),))
    other_ctx = CentralContext(db=type(central.ctx.db)(central.ctx.db.url), config=central.ctx.config)
    second = housekeeping.Housekeeping(other_ctx, every=60, jobs=(("slow", slow_job),))
    runner = threading.Thread(target=first.run_once)
    runner.start()
    assert started.wait(10)
    try:
        assert second.run_once() == [] and second.skipped == 1  # the lock is taken: this process skips
    finally:
        release.set()
        runner.join(10)
    assert first.runs == 1 and second.runs == 0
    assert second.run_once() == ["done"]  # free again: the next schedule runs it
    other_ctx.db.dispose()


def test_exclusive_is_released_when_the_holder_finishes(central):
    with exclusive(central.ctx, "x") as mine:
        assert mine
    with exclusive(central.ctx, "x") as again:
        assert again


def test_housekeeping_locks_of_two_schemas_do_not_exclude_each_other(pg_url):
    """Advisory locks are database-wide: a central store in another schema of the same database (another test
    run, a second chain) holds its own lock and must not make this one skip its housekeeping (PostgreSQL only:
    on SQLite the lock file sits beside each database file)."""

    def context(url: str) -> CentralContext:
        return CentralContext(db=Database(url), config=CentralConfig())

    with pg_schema("omnitoko_other") as other_url:
        ours, theirs, ours_again = context(pg_url), context(other_url), context(pg_url)
        try:
            with exclusive(theirs, "housekeeping") as they_hold, exclusive(ours, "housekeeping") as we_hold:
                assert they_hold and we_hold  # each schema's own lock
                with exclusive(ours_again, "housekeeping") as again:
                    assert not again  # a second process of the same central store still skips
        finally:
            for c in (ours, theirs, ours_again):
                c.db.dispose()


def _key_in_process(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    cfg = CentralConfig()
    cfg.loyalty.signing_key_file = path
    member_cards._KEYS.clear()
    try:
        out.put(member_cards.public_key(CentralContext(db=None, config=cfg)))  # type: ignore[arg-type]
    except Exception as e:  # noqa: BLE001 - reported to the test
        out.put(f"error: {type(e).__name__}: {e}")


@pytest.mark.parametrize("attempt", range(3))
def test_workers_starting_at_once_all_use_one_signing_key(tmp_path, attempt):
    path = str(tmp_path / "keys" / "signing.key")
    spawn = multiprocessing.get_context("fork")
    out = spawn.Queue()
    procs = [spawn.Process(target=_key_in_process, args=(path, out)) for _ in range(8)]
    for p in procs:
        p.start()
    keys = [out.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
    assert len(set(keys)) == 1 and not keys[0].startswith("error"), keys
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert [p.name for p in Path(path).parent.iterdir()] == ["signing.key"]  # no temp file left behind


def test_an_idle_pull_writes_nothing(central):
    """Pull twice with nothing new: the second pull leaves every row as it was (no stamp, no publish)."""
    from sqlalchemy import text

    def snapshot() -> dict[str, list]:
        with central.ctx.db.engine.connect() as c:
            return {
                t: sorted(map(tuple, c.execute(text(f"SELECT * FROM {t}"))), key=repr)
                for t in ("stores", "central_meta", "changes", "stock_levels")
            }

    headers = {"Authorization": f"Bearer {central.token}"}
    first = requests.get(
        f"{central.url}/api/v1/sync/pull", params={"cursor": 0, "limit": 1000}, headers=headers, timeout=30
    ).json()
    before = snapshot()
    again = requests.get(
        f"{central.url}/api/v1/sync/pull", params={"cursor": first["head"], "limit": 1000}, headers=headers, timeout=30
    ).json()
    assert again["changes"] == [] and snapshot() == before
