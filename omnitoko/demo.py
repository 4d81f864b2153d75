"""`make demo`: a fresh demo store, its central store and sync agent on SQLite under var/demo, URLs printed."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import demo_extras, demo_order, demo_weighed

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "var" / "demo"
# The console shows what a person acts on: warnings and errors, not a line per request or per sync round.
LOG_LEVEL = os.environ.get("OMNITOKO_DEMO_LOG_LEVEL", "WARNING").upper()
ACCESS_LOG = ["--access-log"] if os.environ.get("OMNITOKO_DEMO_ACCESS_LOG") == "1" else []


def _quiet(text: str) -> str:
    """The demo's copy of a config logs at LOG_LEVEL (the shipped files say INFO, right for a real store)."""
    return text.replace('level = "INFO"', f'level = "{LOG_LEVEL}"', 1)


def _write_config(port: int) -> Path:
    DEMO.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/store.db"', 'url = "sqlite:///store.db"')
    text = _quiet(text.replace("port = 5000", f"port = {port}"))
    path = DEMO / "store.toml"
    path.write_text(text, encoding="utf-8")
    return path


DEMO_ADMIN_PASSWORD = "rahasia-demo"


def _write_central_config(port: int) -> Path:
    text = (ROOT / "central.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/central.db"', 'url = "sqlite:///central.db"')
    text = text.replace("port = 5100", f"port = {port}")
    text = _quiet(text.replace('initial_password = ""', f'initial_password = "{DEMO_ADMIN_PASSWORD}"'))
    path = DEMO / "central.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _connect_store(store_config: Path, central_url: str, token: str) -> None:
    """The store's [sync] table points at the demo central store with TOKO-01's token."""
    text = store_config.read_text(encoding="utf-8")
    text = text.replace('central_url = ""', f'central_url = "{central_url}"', 1)
    text = text.replace('token = ""', f'token = "{token}"', 1)
    store_config.write_text(text, encoding="utf-8")


def _start_central(omnitoko: list[str], port: int, store_config: Path) -> list[str]:
    """Set the central store up (demo catalog, store TOKO-01) and return the command that serves it."""
    central = _write_central_config(port)
    subprocess.run([*omnitoko, "central", "init", "--config", str(central), "--demo-data"], check=True)
    token = subprocess.run(
        [
            *omnitoko,
            "central",
            "add-store",
            "TOKO-01",
            "--config",
            str(central),
            "--name",
            "Omnitoko Kemang",
            "--token-only",
            "--rotate",  # a demo kept from an earlier run (OMNITOKO_DEMO_KEEP=1) has it: a new token, not a refusal
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    _connect_store(store_config, f"http://127.0.0.1:{port}", token.stdout.strip())
    for line in demo_extras.place(central, port):  # members with points and a promotion, before the store syncs
        print(line, flush=True)
    print(f"Central store:  http://127.0.0.1:{port}/admin  (admin / {DEMO_ADMIN_PASSWORD})", flush=True)
    print(f"Head office:    http://127.0.0.1:{port}/admin/sales  (sales by store; a product's page: stock by place)")
    print(f"Online shop:    http://127.0.0.1:{port}/shop/  (pay in store: scan the cart's QR at the kiosk)", flush=True)
    return [*omnitoko, "central", "serve", "--config", str(central), *ACCESS_LOG]


def _print_kiosk_pairing(omnitoko: list[str], config: Path, port: int) -> None:
    """Kiosks are paired devices: the demo makes one pairing code (a day long) and puts it in the kiosk's link,
    so the first browser that opens it is paired; more kiosks get a code on the manager page (Kiosks)."""
    code = subprocess.run(
        [*omnitoko, "store", "pair-kiosk", "--config", str(config), "--minutes", "1440"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"Kiosk:          http://127.0.0.1:{port}/kiosk/?pair={code}  (pairs the first browser that opens it)",
        flush=True,
    )


def _gateway_command(omnitoko: list[str], port: int) -> list[str]:
    """The stand-in payment gateway reads the demo central store's config (same key, its port)."""
    central = DEMO / "central.toml"
    text = central.read_text(encoding="utf-8").replace("standin_port = 5200", f"standin_port = {port}")
    central.write_text(text, encoding="utf-8")
    # Not a link: the stand-in's root answers 404; its pages are the ones the shop's "Pay online" opens.
    print(f'Payment gateway: stand-in on port {port} (the shop\'s "Pay online" opens its pay page)', flush=True)
    return [*omnitoko, "gateway", "serve", "--config", str(central), *ACCESS_LOG]


def _online_order(store_config: Path, central_port: int, gateway_port: int) -> None:
    """Once everything is up: an order paid online, packed at TOKO-01, ready to hand over at the till."""
    try:
        print(demo_order.place(DEMO / "central.toml", store_config, central_port, gateway_port), flush=True)
    except Exception as e:  # noqa: BLE001 - the demo runs on without it; say why
        print(f"Online order:   not placed ({type(e).__name__}: {e})", flush=True)


PORTS = (("OMNITOKO_DEMO_PORT", 5000), ("OMNITOKO_DEMO_CENTRAL_PORT", 5100), ("OMNITOKO_DEMO_GATEWAY_PORT", 5200))


def port_taken(port: int) -> bool:
    """Something already listens on 127.0.0.1:`port` (a socket in TIME_WAIT does not count: servers reuse it)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def ports() -> dict[str, int]:
    return {name: int(os.environ.get(name, str(default))) for name, default in PORTS}


def refusal(chosen: dict[str, int]) -> str | None:
    """Why the demo cannot start on these ports, in one message that says what to do; None when all are free."""
    taken = [f"{port} ({name})" for name, port in chosen.items() if port_taken(port)]
    if not taken:
        return None
    free = " ".join(f"{name}={port + 10}" for name, port in chosen.items())
    return (
        f"make demo: port {', '.join(taken)} is already in use (another demo or program listens there).\n"
        f"Stop it, or give the demo other ports, for example:\n  {free} make demo"
    )


def _hold_folder() -> object | None:
    """One demo per checkout: var/demo is wiped at start, so a second demo here would delete the running one's
    databases. The lock is held while this process lives; None when another demo holds it."""
    DEMO.parent.mkdir(parents=True, exist_ok=True)
    lock = (DEMO.parent / "demo.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        return None
    return lock


def _stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """Each server and its workers (granian's, gunicorn's) stop: each was started in its own process group."""
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def main() -> int:
    chosen = ports()
    why = refusal(chosen)
    if why:
        print(why, file=sys.stderr, flush=True)
        return 2
    lock = _hold_folder()
    if lock is None:
        print(f"make demo: another demo is running from this folder ({DEMO}); stop it first.", file=sys.stderr)
        return 2
    port = chosen["OMNITOKO_DEMO_PORT"]
    if DEMO.exists() and os.environ.get("OMNITOKO_DEMO_KEEP") != "1":
        shutil.rmtree(DEMO)
    config = _write_config(port)
    omnitoko = [sys.executable, "-m", "omnitoko.cli"]
    subprocess.run([*omnitoko, "store", "init", "--config", str(config), "--demo-data"], check=True)
    print(demo_extras.store_thresholds(config), flush=True)
    print("\n".join(demo_weighed.place(config)), flush=True)  # weighed goods: levels in kg, sample scale labels
    print("\nDemo staff: cashier 1001 / PIN 1234, manager 9001 / PIN 4321, till T1, store TOKO-01\n", flush=True)
    central_port = chosen["OMNITOKO_DEMO_CENTRAL_PORT"]
    central_cmd = _start_central(omnitoko, central_port, config)
    _print_kiosk_pairing(omnitoko, config, port)
    gateway_port = chosen["OMNITOKO_DEMO_GATEWAY_PORT"]
    gateway_cmd = _gateway_command(omnitoko, gateway_port)
    commands = [
        central_cmd,
        gateway_cmd,
        [*omnitoko, "store", "serve", "--config", str(config), *ACCESS_LOG],
        [*omnitoko, "sync", "run", "--config", str(config)],
    ]
    procs = [subprocess.Popen(cmd, start_new_session=True) for cmd in commands]
    threading.Thread(target=_online_order, args=(config, central_port, gateway_port), daemon=True).start()
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    ended: list[str] = []
    try:
        while not stop and not ended:
            time.sleep(0.5)
            ended = [" ".join(cmd[3:5]) for cmd, p in zip(commands, procs, strict=True) if p.poll() is not None]
    finally:
        _stop_all(procs)
        del lock
    if stop:
        return 0
    print(f"make demo: `omnitoko {ended[0]}` stopped, and the demo with it (its messages are above).", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
