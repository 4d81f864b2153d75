"""The address other devices reach this server at, for links printed on receipts and shown as QR codes."""

from __future__ import annotations

import socket
from functools import cache

WILDCARDS = frozenset({"", "0.0.0.0", "::", "[::]"})


def reachable_host(host: str) -> str:
    """`host` itself, or for a server listening on every interface, this machine's address on the store network
    (the interface a route to the outside would take; no packet is sent), else 127.0.0.1."""
    return _lan_address() if host in WILDCARDS else host


@cache
def _lan_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: UDP connect only picks the route, sends nothing
            address: str = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    return address if address != "0.0.0.0" else "127.0.0.1"
