"""One shell can configure the store and central apart; a wrong key is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.config import load_central_config
from common.config_reader import ConfigError
from pos.adapters.config import load_config

ROOT = Path(__file__).resolve().parents[2]


def test_store_and_central_overrides_do_not_leak_into_each_other(tmp_path: Path) -> None:
    env = {
        "OMNITOKO_SERVER__PORT": "5055",
        "OMNITOKO_CENTRAL_SERVER__PORT": "5155",
        "OMNITOKO_CENTRAL_DATABASE__URL": f"sqlite:///{tmp_path / 'c.db'}",
    }
    store = load_config(ROOT / "config.toml", environ=env)
    central = load_central_config(ROOT / "central.toml", environ=env)
    assert store.server.port == 5055 and central.server.port == 5155
    assert central.database.url.endswith("c.db") and not store.database.url.endswith("c.db")


def test_a_wrong_value_is_refused_with_the_key_named() -> None:
    with pytest.raises(ConfigError, match=r"\[server.port\]"):
        load_config(ROOT / "config.toml", environ={"OMNITOKO_SERVER__PORT": "99999"})
