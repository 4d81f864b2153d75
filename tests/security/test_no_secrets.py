"""No secret in the repository, and none in the logs of a sign-in, a sale, a manager approval and a sync round.

The documented dev-only defaults are allowed: `secret_key = "dev-only-change-me"` and empty tokens/keys in the
example config files (each says to set a real value in production).
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from common import member_qr
from pos.services import setup

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_VALUES = {"", "dev-only-change-me"}
SECRET_PATTERNS = {
    "private key block": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}"),
}
# `name = "value"` for a secret-looking name in a config file: only the documented defaults may be written down.
CONFIG_SECRET = re.compile(
    r"^\s*(\w*(?:secret|token|password|passwd|signing_key|private_key)\w*)\s*=\s*\"([^\"]*)\"",
    re.IGNORECASE | re.MULTILINE,
)
CONFIG_SUFFIXES = {".toml", ".ini", ".cfg", ".env", ".yaml", ".yml", ".conf"}


def repository_files() -> list[Path]:
    """Tracked files plus new files that are not ignored: everything a commit could carry."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [ROOT / name for name in out.split("\0") if name and (ROOT / name).is_file()]


def test_no_private_key_token_or_real_secret_is_in_the_repository() -> None:
    files = repository_files()
    assert len(files) > 50, "git ls-files found almost nothing: is this the work tree?"
    found: list[str] = []
    for path in files:
        rel = path.relative_to(ROOT)
        if path.suffix in (".key", ".pem", ".p12", ".pfx") or path.name in (".env", "id_rsa", "id_ed25519"):
            found.append(f"{rel}: a key file")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary (images, fonts): no text secrets
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{rel}: {what}")
        if path.suffix in CONFIG_SUFFIXES:
            for name, value in CONFIG_SECRET.findall(text):
                if value not in ALLOWED_VALUES and not name.lower().endswith(("_file", "_path", "_dir")):
                    found.append(f"{rel}: {name} is set to a value ({len(value)} characters)")
    assert not found, "secrets in the repository:\n" + "\n".join(found)


def test_the_places_where_secrets_are_made_are_ignored_by_git() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "var/loyalty-signing.key", "var/store.db", ".venv/x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == ["var/loyalty-signing.key", "var/store.db", ".venv/x"]


def test_no_pin_token_or_signing_key_appears_in_the_logs(central, store, agents, caplog, capfd) -> None:
    from pos.web.app import create_app

    pin, manager_pin = "739154", "815262"
    setup.add_staff(store, "1777", "Sari", "cashier", pin)
    setup.add_staff(store, "9777", "Dewi", "manager", manager_pin)
    signing_key = member_qr.new_private_key()
    central.ctx.config.loyalty.signing_key = signing_key
    connect_store(store, central)
    caplog.set_level(logging.DEBUG)

    client = create_app(store.config, store.db).test_client()
    wrong = client.post("/api/v1/session", json={"staff_code": "1777", "pin": "000000", "till_id": "T1"})
    assert wrong.status_code == 401
    resp = client.post("/api/v1/session", json={"staff_code": "1777", "pin": pin, "till_id": "T1"})
    token = resp.get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/shifts", json={"opening_float": 100_000}, headers=auth).status_code == 201
    sale = client.post("/api/v1/sales", headers=auth).get_json()
    assert client.post(f"/api/v1/sales/{sale['id']}/lines", json={"barcode": AQUA_330}, headers=auth).status_code == 201
    approval = {"staff_code": "9777", "pin": manager_pin}
    assert (
        client.post(
            f"/api/v1/sales/{sale['id']}/discounts",
            headers=auth,
            json={"kind": "percent", "value": 20, "approval": approval},
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/sales/{sale['id']}/tenders", json={"type": "cash", "amount": 5_000}, headers=auth
        ).status_code
        == 201
    )
    assert client.post(f"/api/v1/sales/{sale['id']}/complete", headers=auth).status_code == 200
    agent = agents()
    sync_until_clean(agent)

    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    out, err = capfd.readouterr()
    said = "\n".join(agent.said)  # type: ignore[attr-defined]
    everything = "\n".join((logged, out, err, said))
    assert caplog.records or said, "nothing was logged at all: the check would prove nothing"
    secrets = {
        "cashier PIN": pin,
        "manager PIN": manager_pin,
        "till token": token,
        "store sync token": central.token,
        "loyalty signing key": signing_key,
    }
    leaked = [what for what, value in secrets.items() if value in everything]
    assert not leaked, f"found in the logs: {leaked}"
