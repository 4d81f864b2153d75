"""The `omnitoko central ...` commands an operator runs by hand: set up, register stores and rotate their tokens,
admins' passwords, whose stock a store sees, a new epoch after a restore, points expiry and the earn rule."""

from __future__ import annotations

import argparse
import getpass
import sys

from central.bootstrap import central_context
from central.config import ensure_gateway_key, load_central_config
from central.migrate import upgrade
from central.services import admin_auth, demo, stores
from central.services.context import CentralContext
from common.config_reader import ensure_secret_key
from common.errors import DomainError


def context_of(args: argparse.Namespace) -> CentralContext:
    config = load_central_config(args.config)
    return central_context(config)


def init(args: argparse.Namespace) -> int:
    ctx = context_of(args)
    admin = ctx.config.admin
    if admin.initial_password:  # before anything is made: a weak password stops init with nothing half done
        admin_auth.check_password_strength(admin.username, admin.initial_password)
    made = ensure_secret_key(ctx.config.server)
    if made is not None:
        print(f"secret key written to {made} (owner-only; keep it out of backups you share)")
    made = ensure_gateway_key(ctx.config.payments)
    if made is not None:
        print(f"stand-in gateway server key written to {made} (owner-only)")
    upgrade(ctx.config.database.url)
    epoch = stores.ensure_meta(ctx)
    if admin.initial_password and not stores.has_admin(ctx):
        stores.set_admin(ctx, admin.username, admin.initial_password)
        print(f"admin user {admin.username!r} created")
    elif not stores.has_admin(ctx):  # say so now, not when the first sign-in or set-admin-password fails
        print(
            "no admin user yet ([admin] initial_password is empty): create one with "
            f"`omnitoko central set-admin-password {admin.username} --create"
            + (f" --config {args.config}`" if args.config else "`")
        )
    added = demo.load(ctx) if args.demo_data else 0
    print(
        f"central store ready at {ctx.config.database.url} (epoch {epoch})"
        + (f"; {added} demo products added" if args.demo_data else "")
    )
    return 0


def add_store(args: argparse.Namespace) -> int:
    ctx = context_of(args)
    try:
        token = stores.add_store(ctx, args.store_id, args.name or "", rotate=args.rotate)
    except DomainError as e:
        print(f"omnitoko: {e.message}")
        return 1
    if args.token_only:
        print(token)
        return 0
    print(
        f"store {args.store_id} registered. Its token (shown only this once; put it in the store's config "
        f"as [sync] token):\n{token}"
    )
    return 0


def rotate_store_token(args: argparse.Namespace) -> int:
    """A new token for a registered store; the old one stops working at once."""
    token = stores.rotate_store_token(context_of(args), args.store_id)
    print(
        token
        if args.token_only
        else f"store {args.store_id}: new token (the old one no longer works; put this "
        f"in the store's config as [sync] token, shown only this once):\n{token}"
    )
    return 0


def set_admin_password(args: argparse.Namespace) -> int:
    """Read the new password from stdin (no echo on a terminal), never from the command line (shell history)."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"new password for {args.username}: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    created = admin_auth.set_password(context_of(args), args.username, password, create=args.create)
    print(f"admin {args.username!r} " + ("created" if created else "has a new password; their sessions ended"))
    return 0


def disable_admin(args: argparse.Namespace) -> int:
    admin_auth.set_active(context_of(args), args.username, active=args.enable)
    print(f"admin {args.username!r} " + ("enabled" if args.enable else "disabled; their sessions ended"))
    return 0


def set_neighbours(args: argparse.Namespace) -> int:
    """Whose stock figures a store's feed carries: an explicit list, or its region's first [sync] neighbours."""
    neighbours = None if args.stores is None else [x.strip() for x in args.stores.split(",") if x.strip()]
    ctx = context_of(args)
    stores.set_neighbours(ctx, args.store_id, args.region, neighbours)
    with ctx.db.sessions() as s:
        got = stores.audience(s, ctx, args.store_id)
    print(f"store {args.store_id} gets the stock figures of: {', '.join(got) or 'no other store'} (others on demand)")
    return 0


def new_epoch(args: argparse.Namespace) -> int:
    epoch = stores.new_epoch(context_of(args))
    print(f"new epoch {epoch}: every store's agent will push again what this database lacks and re-pull")
    return 0


def expire_points(args: argparse.Namespace) -> int:
    from central.services.loyalty_expiry import expire_points as run

    done = run(context_of(args))
    if done.cutoff is None:
        print("points never expire here ([loyalty] expire_after_days = 0): nothing expired")
        return 0
    print(
        f"{done.points} points of {done.members} members expired (earned before {done.cutoff:%Y-%m-%d %H:%M} UTC "
        "and not spent)"
    )
    return 0


def set_earn_rule(args: argparse.Namespace) -> int:
    from datetime import datetime

    from central.services.loyalty_admin import set_rule

    try:
        start = datetime.fromisoformat(args.effective_from) if args.effective_from else None
        rule = set_rule(context_of(args), args.earn_per_amount, args.point_value, start, args.note or "")
    except (ValueError, DomainError) as e:
        print(f"not set: {getattr(e, 'message', e)}")
        return 1
    print(
        f"from {rule['effective_from']} UTC: 1 point per {rule['earn_per_amount']} paid, 1 point pays "
        f"{rule['point_value']} (stores get it with their next pull; earlier sales keep their rule)"
    )
    return 0
