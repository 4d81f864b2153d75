"""`omnitoko central init | add-store | new-epoch`: set up, a token shown once, a new epoch after a restore."""

from __future__ import annotations

from pathlib import Path

from omnitoko.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_init_add_store_and_new_epoch(tmp_path, capsys):
    config = tmp_path / "central.toml"
    text = (ROOT / "central.toml").read_text(encoding="utf-8")
    config.write_text(text.replace('initial_password = ""', 'initial_password = "rahasia-1234"'), encoding="utf-8")
    assert main(["central", "init", "--config", str(config), "--demo-data"]) == 0
    out = capsys.readouterr().out
    assert "326 demo products added" in out and "admin user 'admin' created" in out  # 5 weighed or label-priced
    epoch = out.split("(epoch ")[1].split(")")[0]

    assert main(["central", "add-store", "TOKO-07", "--config", str(config)]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["central", "add-store", "TOKO-07", "--config", str(config)]) == 1
    assert "already registered" in capsys.readouterr().out  # the token is never shown again
    # `make demo` kept from an earlier run adds its store with --rotate: a new token, not a refusal
    assert main(["central", "add-store", "TOKO-08", "--config", str(config), "--token-only", "--rotate"]) == 0
    assert main(["central", "add-store", "TOKO-08", "--config", str(config), "--token-only", "--rotate"]) == 0
    capsys.readouterr()

    from central.config import load_central_config
    from central.db import central_database
    from central.services import stores
    from central.services.context import CentralContext

    cfg = load_central_config(config, environ={})
    ctx = CentralContext(db=central_database(cfg.database.url), config=cfg)
    assert stores.authenticate(ctx, token) == "TOKO-07"
    assert main(["central", "new-epoch", "--config", str(config)]) == 0
    assert stores.ensure_meta(ctx) != epoch
    ctx.db.dispose()


def test_set_earn_rule_keeps_the_old_rule_for_earlier_sales_and_refuses_a_bad_figure(tmp_path, capsys):
    config = tmp_path / "central.toml"
    config.write_text((ROOT / "central.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["central", "init", "--config", str(config)]) == 0
    args = [
        "central",
        "set-earn-rule",
        "--config",
        str(config),
        "--point-value",
        "100",
        "--from",
        "2026-12-01T00:00:00",
    ]
    assert main([*args, "--earn-per-amount", "5000"]) == 0
    assert "from 2026-12-01T00:00:00 UTC: 1 point per 5000 paid" in capsys.readouterr().out
    assert main([*args, "--earn-per-amount", "0"]) == 1
    assert "not set:" in capsys.readouterr().out

    from datetime import datetime

    from central.config import load_central_config
    from central.db import central_database
    from central.services import loyalty_rules
    from central.services.context import CentralContext

    cfg = load_central_config(config, environ={})
    ctx = CentralContext(db=central_database(cfg.database.url), config=cfg)
    with ctx.db.sessions() as s:
        rules = loyalty_rules.history(s, ctx)
    assert loyalty_rules.rule_at(rules, datetime(2026, 11, 30)).earn_per_amount == cfg.loyalty.earn_per_amount
    assert loyalty_rules.rule_at(rules, datetime(2026, 12, 2)).earn_per_amount == 5000
    ctx.db.dispose()


def test_init_without_an_initial_password_says_no_admin_was_made_and_how_to_make_one(tmp_path, capsys):
    config = tmp_path / "central.toml"
    config.write_text((ROOT / "central.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["central", "init", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "no admin user yet ([admin] initial_password is empty)" in out
    assert f"omnitoko central set-admin-password admin --create --config {config}" in out
