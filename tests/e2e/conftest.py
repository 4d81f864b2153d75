"""Browser tests: the real store server in a subprocess, driven by Debian's headless Chromium.

Without /usr/bin/chromium and /usr/bin/chromedriver the tests are skipped with the reason printed
(`-ra`), or FAIL when OMNITOKO_CI=1 so a CI machine can never pass without running them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from servekit import free_port, served
from werkzeug.security import generate_password_hash

from common.demo_data import STAFF
from tests.conftest import TEST_PIN_METHOD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# `make screens` sets this to docs/screens to refresh the README's pictures; otherwise they go to a temporary
# folder, so running the tests never changes a tracked file.
SCREENS_ENV = "OMNITOKO_SCREENS"


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not missing:
        return
    reason = (
        f"headless browser tests need Debian chromium and chromedriver; missing {', '.join(missing)} "
        "(apt-get install chromium chromium-driver)"
    )
    if os.environ.get("OMNITOKO_CI") == "1":
        pytest.fail(f"OMNITOKO_CI=1: {reason}", pytrace=False)
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def _write_config(where: Path, db: Path, port: int) -> Path:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/store.db"', f'url = "sqlite:///{db}"')
    text = text.replace("port = 5000", f"port = {port}")
    # Each served copy needs the key `store init` wrote beside the template; one fixed test key does for all.
    text = text.replace('secret_key = ""', 'secret_key = "e2e-store-key-0123456789abcdef0123456789abcdef"', 1)
    path = where / "store.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "omnitoko.cli", "store", *args]


@pytest.fixture(scope="session")
def demo_store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`store init --demo-data` once; each test serves its own copy of the file."""
    _require_browser()
    where = tmp_path_factory.mktemp("e2e-template")
    db = where / "store.db"
    config = _write_config(where, db, 5000)
    subprocess.run(
        _cli("init", "--config", str(config), "--demo-data"), cwd=ROOT, check=True, capture_output=True, timeout=120
    )
    # As for the in-process stores (tests/conftest.py): the demo staff's PINs at a test cost, same scheme.
    with sqlite3.connect(db) as con:
        con.executemany(
            "UPDATE staff SET pin_hash = ? WHERE code = ?",
            [(generate_password_hash(st.pin, method=TEST_PIN_METHOD), st.code) for st in STAFF],
        )
    con.close()
    return db


@dataclass
class StoreServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    config: Path

    def kiosk_url(self, query: str = "") -> str:
        """The kiosk page with a fresh pairing code (`store pair-kiosk`, as a manager makes one): it pairs itself."""
        code = subprocess.run(
            _cli("pair-kiosk", "--config", str(self.config)),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        return f"{self.url}/kiosk/?pair={code}" + (f"&{query}" if query else "")

    def open_kiosk(self, driver: Any, query: str = "") -> None:
        """Open the kiosk page paired, and wait until the pairing is done (tickets and points need it)."""
        driver.get(self.kiosk_url(query))
        wait_paired(driver)

    def api(self, method: str, path: str, token: str | None = None, **kw: object) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def wait_paired(driver: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20, poll_frequency=0.05).until(
        lambda d: d.execute_script("return document.body && document.body.dataset.kioskPaired") == "yes",
        "the kiosk paired itself with the pairing code in its link",
    )


@contextmanager
def serve_store(where: Path, demo_db: Path, config_port: int | None = None) -> Iterator[StoreServer]:
    """`omnitoko store serve` on a free port over a fresh copy of the demo database, its files in `where`;
    `config_port`: the config file names that port instead (the server is started with --port all the same)."""
    db = where / "store.db"
    shutil.copyfile(demo_db, db)
    port = free_port()
    config = _write_config(where, db, config_port or port)
    log = where / "server.log"
    with served(
        _cli("serve", "--config", str(config), "--port", str(port)),
        ROOT,
        log,
        f"http://127.0.0.1:{port}/api/v1/health",
        "store server",
    ) as proc:
        yield StoreServer(f"http://127.0.0.1:{port}", proc, log, config)


@pytest.fixture
def store_server(tmp_path: Path, demo_store_db: Path) -> Iterator[StoreServer]:
    """A store server for one test (see `serve_store`)."""
    with serve_store(tmp_path, demo_store_db) as server:
        yield server


@pytest.fixture
def store_server_moved(tmp_path: Path, demo_store_db: Path) -> Iterator[StoreServer]:
    """The store server started with `--port P` while its config file names another port (where nothing listens)."""
    with serve_store(tmp_path, demo_store_db, config_port=free_port()) as server:
        yield server


def chromium(profile: Path, width: int = 1440, height: int = 900) -> Any:
    """One headless Chromium driver with its own profile folder; the caller quits it."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--lang=id-ID",
        "--force-device-scale-factor=1",
        # Nothing a test looks at: the browser's own background work (updates, sync, translation, crash reports).
        "--disable-extensions",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-breakpad",
        "--disable-domain-reliability",
        "--no-first-run",
        "--mute-audio",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
        # One renderer process for the tests' pages, not one per site (each 127.0.0.1 port is a site): 65 renderer
        # processes for the kiosk and till modules became 12, and the browsers' CPU fell by a fifth.
        "IsolateOrigins,site-per-process",
        "--disable-site-isolation-trials",
    ):
        options.add_argument(arg)
    # The console's errors, read after each test: a page the pages' security policy stopped fails it (below).
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def policy_violations(driver: Any) -> list[str]:
    """What the pages' Content-Security-Policy (common.web.page_policy) stopped in this driver's pages since last
    asked: a script, a style, a form or a connection the pages did not expect to be refused."""
    try:
        logged = driver.get_log("browser")
    except Exception:  # noqa: BLE001 - a crashed tab or a dialog left open: the test has failed or will say why
        return []
    return [m["message"] for m in logged if "Content Security Policy" in m.get("message", "")]


POOL_SIZE = 3  # idle drivers a worker keeps: most tests drive one or two windows (till and display)


def _origins(driver: Any) -> set[str]:
    """The http(s) origins each of the driver's windows has shown (its history), every window but the first
    closed."""
    seen: set[str] = set()
    handles = driver.window_handles
    for handle in handles:
        driver.switch_to.window(handle)
        for entry in driver.execute_cdp_cmd("Page.getNavigationHistory", {})["entries"]:
            parts = urlsplit(entry["url"])
            if parts.scheme in ("http", "https"):
                seen.add(f"{parts.scheme}://{parts.netloc}")
        if handle != handles[0]:
            driver.close()
    driver.switch_to.window(handles[0])
    return seen


def _fresh_again(driver: Any) -> bool:
    """A used driver as a fresh profile would be: a blank page, no cookies, no storage (local, session, IndexedDB,
    cache) for any origin it showed, no device emulation. False if it could not be made so (it is then quit)."""
    try:
        origins = _origins(driver)
        driver.get("about:blank")
        for origin in origins:
            driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        for command in (
            "Network.clearBrowserCookies",
            "Network.clearBrowserCache",
            "Emulation.clearDeviceMetricsOverride",
        ):
            driver.execute_cdp_cmd(command, {})
        return True
    except Exception:  # noqa: BLE001 - a dialog left open, a crashed tab: this driver is not reused
        return False


@pytest.fixture(scope="session")
def browser_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Any]]:
    """This worker's idle Chromium drivers: starting one costs about a second of CPU, making a used one fresh again
    a tenth of that; all quit at the end."""
    pool: list[Any] = []
    yield pool
    for driver in pool:
        driver.quit()


@pytest.fixture
def browser(browser_pool: list[Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., object]]:
    """A factory of headless Chromium drivers, each as fresh as a new profile (cookies and storage cleared, a
    blank page) at the size asked; after the test each is made fresh again for the next test, or quit."""
    _require_browser()
    drivers: list[Any] = []

    def make(width: int = 1440, height: int = 900):  # type: ignore[no-untyped-def]
        if browser_pool:
            driver = browser_pool.pop()
            driver.set_window_size(width, height)
        else:
            driver = chromium(tmp_path_factory.mktemp("chromium"), width, height)
        drivers.append(driver)
        return driver

    yield make
    refused = [m for d in drivers for m in policy_violations(d)]
    for d in drivers:
        if len(browser_pool) < POOL_SIZE and _fresh_again(d):
            browser_pool.append(d)
        else:
            d.quit()
    if refused:
        pytest.fail("the pages' security policy refused: " + " | ".join(refused[:3]), pytrace=False)


@pytest.fixture(scope="session")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where browser tests save their screenshots: $OMNITOKO_SCREENS if set, else a temporary folder."""
    chosen = os.environ.get(SCREENS_ENV)
    if not chosen:
        return tmp_path_factory.mktemp("screens")
    where = Path(chosen) if Path(chosen).is_absolute() else ROOT / chosen
    where.mkdir(parents=True, exist_ok=True)
    return where
