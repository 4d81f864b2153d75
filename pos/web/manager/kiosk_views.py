"""Kiosks: a pairing code for a new kiosk (shown once, short-lived, one use), the paired kiosks, and revoking one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for

from pos.services import kiosk_devices
from pos.services.store_time import to_local

from ..api.common import ctx
from .access import me, page, t


def _devices() -> list[dict[str, Any]]:
    return [
        {
            **d,
            "paired_at": to_local(ctx(), d["paired_at"]),
            "revoked_at": d["revoked_at"] and to_local(ctx(), d["revoked_at"]),
        }
        for d in kiosk_devices.devices(ctx())
    ]


def register(bp: Blueprint) -> None:
    @bp.get("/kiosks")
    def kiosks():
        return page("kiosks.html", devices=_devices(), pairing=None)

    @bp.post("/kiosks/code")
    def kiosk_code():
        made = kiosk_devices.new_pairing_code(ctx(), me().staff_id)
        pairing = {**made, "expires_at": to_local(ctx(), made["expires_at"])}
        # Shown on this answer only (the store keeps its hash): no redirect, so Back does not show it again.
        return page("kiosks.html", devices=_devices(), pairing=pairing)

    @bp.post("/kiosks/<device_id>/revoke")
    def revoke_kiosk(device_id: str):
        done = kiosk_devices.revoke(ctx(), me(), device_id)
        flash(t("kiosks.revoked", name=done["name"]), "ok")
        return redirect(url_for("manager.kiosks"))
