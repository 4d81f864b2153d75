"""`make demo`'s console: no noise at start-up (an agent waiting for central says so once, with no error), no line
per HTTP request unless asked (--access-log), and the demo's configs log warnings only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from synckit import agents  # noqa: F401

from central.config import load_central_config
from central.web import granian_serving
from central.web.serving import CentralServer
from omnitoko import demo
from omnitoko.cli import build_parser
from omnitoko.store_serving import StoreServer
from pos.services.context import StoreContext

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_agent_started_before_central_waits_quietly_with_one_line(
    store: StoreContext,
    agents,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.config.sync.central_url = f"http://127.0.0.1:{_closed_port()}"
    store.config.sync.token = "t" * 32
    store.config.sync.timeout_seconds = 1.0
    monkeypatch.setattr("sync_agent.agent.backoff_delay", lambda failures, rng: 0.0)
    agent = agents()
    rounds = []
    first_round = agent.round

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        rep = first_round(*args, **kwargs)
        rounds.append(rep)
        if len(rounds) >= 4:
            agent.stop.set()
        return rep

    agent.round = counted  # type: ignore[method-assign]
    agent.run()
    assert len(rounds) == 4 and all(r.unreachable for r in rounds)
    assert agent.said == [f"sync: waiting for central at {store.config.sync.central_url}"]


def test_a_failure_after_central_answered_is_still_reported(
    store: StoreContext,
    agents,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Quiet only until central first answers: losing it later is news the manager must see."""
    store.config.sync.central_url = f"http://127.0.0.1:{_closed_port()}"
    store.config.sync.token = "t" * 32
    monkeypatch.setattr("sync_agent.agent.backoff_delay", lambda failures, rng: 0.0)
    agent = agents()
    real = agent.round
    calls = []

    def first_fine_then_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            from sync_agent.round_report import RoundReport

            return RoundReport(current=True)
        rep = real(*args, **kwargs)
        agent.stop.set()
        return rep

    agent.round = first_fine_then_down  # type: ignore[method-assign]
    agent.interval = 0.0
    agent.run()
    assert any("cannot reach central" in line and "trying again" in line for line in agent.said), agent.said


def test_the_servers_log_no_request_unless_asked(store: StoreContext) -> None:
    quiet = StoreServer(store.config, "127.0.0.1", 5000, 8, lambda app: lambda: None)
    loud = StoreServer(store.config, "127.0.0.1", 5000, 8, lambda app: lambda: None, access_log=True)
    assert quiet.options["accesslog"] is None and loud.options["accesslog"] == "-"
    central = load_central_config(ROOT / "central.toml")
    assert CentralServer(central, "127.0.0.1", 5100, 1, 4).options["accesslog"] is None
    assert CentralServer(central, "127.0.0.1", 5100, 1, 4, access_log=True).options["accesslog"] == "-"
    assert granian_serving.options("127.0.0.1", 5100, 1, 4)["log_access"] is False
    assert granian_serving.options("127.0.0.1", 5100, 1, 4, access_log=True)["log_access"] is True
    parser = build_parser()
    for command in (["store", "serve"], ["central", "serve"], ["gateway", "serve"]):
        assert parser.parse_args(command).access_log is False
        assert parser.parse_args([*command, "--access-log"]).access_log is True


def test_the_demo_configs_log_warnings_only_and_ask_for_request_lines_only_by_flag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert 'level = "INFO"' in (ROOT / "config.toml").read_text(encoding="utf-8")
    assert 'level = "WARNING"' in demo._quiet((ROOT / "config.toml").read_text(encoding="utf-8"))
    assert 'level = "WARNING"' in demo._quiet((ROOT / "central.toml").read_text(encoding="utf-8"))
    assert demo.ACCESS_LOG == []  # OMNITOKO_DEMO_ACCESS_LOG=1 turns them on for all three servers


def _demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`make demo`'s program as a new user starts it, with these ports."""
    return subprocess.run(
        [sys.executable, "-m", "omnitoko.demo"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_demo_on_a_taken_port_says_which_and_how_to_choose_others_and_starts_nothing() -> None:
    """A second `make demo` beside a running one (or any program on 5000) used to print its URLs, which opened
    the other demo, and leave its central store running on a shared port."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        taken = int(listener.getsockname()[1])
        free = _closed_port()
        env = {**os.environ, "OMNITOKO_DEMO_PORT": str(free), "OMNITOKO_DEMO_CENTRAL_PORT": str(taken)}
        env["OMNITOKO_DEMO_GATEWAY_PORT"] = str(_closed_port())
        run = _demo(env)
    assert run.returncode == 2, run.stderr
    assert f"port {taken} (OMNITOKO_DEMO_CENTRAL_PORT) is already in use" in run.stderr
    assert f"OMNITOKO_DEMO_CENTRAL_PORT={taken + 10}" in run.stderr and "make demo" in run.stderr
    assert "Till" not in run.stdout and "http://" not in run.stdout  # no URLs of a demo that is not there
    assert demo.refusal({"OMNITOKO_DEMO_PORT": free}) is None


def test_a_second_demo_in_the_same_folder_refuses_before_it_deletes_the_running_one_s_data() -> None:
    import fcntl

    demo.DEMO.parent.mkdir(parents=True, exist_ok=True)
    with (demo.DEMO.parent / "demo.lock").open("w") as running:  # as the running demo holds it
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = _demo({**os.environ, **{name: str(_closed_port()) for name, _ in demo.PORTS}})
    assert run.returncode == 2 and "another demo is running from this folder" in run.stderr, run.stderr
