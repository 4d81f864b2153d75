"""One HTTP client per central store: the till's loyalty and cart clients and the sync agent reuse one
keep-alive session (connection pool) for the same central URL, each call with (connect, read) timeouts."""

from __future__ import annotations

from pos.adapters.central_carts import carts_client_for
from pos.adapters.central_http import session_for
from pos.adapters.central_loyalty import client_for
from pos.adapters.config import StoreConfig
from sync_agent.client import CentralClient


def connected(config: StoreConfig, url: str) -> StoreConfig:
    config.sync.central_url, config.sync.token = url, "a-store-token"
    return config


def test_the_tills_clients_and_the_agent_share_one_session_per_central_url(config: StoreConfig) -> None:
    cfg = connected(config, "http://127.0.0.1:5100/")
    loyalty, carts = client_for(cfg), carts_client_for(cfg)
    agent = CentralClient("http://127.0.0.1:5100", "a-store-token", 10.0, agent_id="agent-1")
    assert loyalty is not None and carts is not None
    assert loyalty.http is carts.http is agent.http is session_for("http://127.0.0.1:5100")
    assert session_for("http://127.0.0.1:5200") is not loyalty.http, "another central store, another pool"
    agent.close()
    assert client_for(cfg).http is loyalty.http, "the agent closing its client leaves the till's session open"


def test_each_client_names_itself_and_gives_up_on_a_dead_line(config: StoreConfig) -> None:
    cfg = connected(config, "http://127.0.0.1:5100")
    loyalty = client_for(cfg)
    agent = CentralClient("http://127.0.0.1:5100", "a-store-token", 30.0, agent_id="agent-1")
    assert loyalty is not None
    t = cfg.loyalty.central_timeout_seconds
    assert loyalty.timeout == (min(5.0, t), t), "connect at most 5 s, read as the till allows"
    assert agent.timeout == (5.0, 30.0)
    assert agent.headers["X-Omnitoko-Agent"] == "agent-1" and "X-Omnitoko-Agent" not in loyalty.headers
    assert "Authorization" not in loyalty.http.headers, "the token travels per client, not on the shared session"
    adapter = loyalty.http.get_adapter("http://127.0.0.1:5100/api/v1/loyalty/settings")
    assert adapter.max_retries.total == 0, "a retried POST is the caller's to make, with its own ids"
