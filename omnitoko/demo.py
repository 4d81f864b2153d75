"""`make demo`: a fresh demo store on SQLite under var/demo, started with its URLs printed."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "var" / "demo"


def _write_config(port: int) -> Path:
    DEMO.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/store.db"', 'url = "sqlite:///store.db"')
    text = text.replace("port = 5000", f"port = {port}")
    path = DEMO / "store.toml"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> int:
    port = int(os.environ.get("OMNITOKO_DEMO_PORT", "5000"))
    if DEMO.exists() and os.environ.get("OMNITOKO_DEMO_KEEP") != "1":
        shutil.rmtree(DEMO)
    config = _write_config(port)
    omnitoko = [sys.executable, "-m", "omnitoko.cli"]
    subprocess.run([*omnitoko, "store", "init", "--config", str(config), "--demo-data"], check=True)
    print("\nDemo staff: cashier 1001 / PIN 1234, manager 9001 / PIN 4321, till T1, store TOKO-01\n", flush=True)
    procs = [subprocess.Popen([*omnitoko, "store", "serve", "--config", str(config)])]
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stop and all(p.poll() is None for p in procs):
            time.sleep(0.5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
