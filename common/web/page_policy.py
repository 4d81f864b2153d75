"""What every answer of both servers tells the browser it may do with the page (set by `harden`).

A Content-Security-Policy that runs only the servers' own script files: no inline script, no `on...=` attribute,
no `javascript:` link, no plugin, no other site's code. A product name, a member's name or a shop note that slipped
past escaping could then show, but never run, in a till, the manager's screens or head office. No page may be put
in another site's frame (a till or admin page inside a look-alike page, clicks stolen), forms post only back to the
server (and to the payment gateway's page, for the shop), a response is never read as another type than declared,
and a link followed out of a page does not carry its address (a digital receipt's link is its key).

Inline styles stay allowed: the pages and the vendored QR scanner set `style` attributes; a style cannot run code.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response

# One policy for every page of both servers; `form-action` adds the places a form may lead to (see below).
_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",  # QR codes drawn as data URLs, the camera's still frames
    "media-src 'self' blob: mediastream:",  # the kiosk's camera preview
    "worker-src 'self' blob:",
    "connect-src 'self'",  # the API and the live updates' socket (same host and port: ws:// included)
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",  # the till shows the receipt it just printed in a frame of its own page
)


def content_policy(form_targets: Iterable[str] = ()) -> str:
    """The Content-Security-Policy header's value; `form_targets`: origins besides the server's own that a form's
    answer may send the browser to (Chromium applies `form-action` to the redirect after a POST too, so the shop's
    "Pay" button, answered by a redirect to the gateway's page, needs the gateway's origin here)."""
    targets = " ".join(["'self'", *dict.fromkeys(t.rstrip("/") for t in form_targets if t)])
    return "; ".join((*_POLICY, f"form-action {targets}"))


def protect_pages(app: Flask, form_targets: Iterable[str] = ()) -> None:
    """Every page, file and download of `app` carries the policy above and its companions (set only where a view has
    not set its own); the JSON API's answers do not need them (a store's idle pull stays as lean as it was)."""
    headers = {
        "Content-Security-Policy": content_policy(form_targets),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",  # browsers that predate frame-ancestors
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    }

    @app.after_request
    def _policy(response: Response) -> Response:
        if response.mimetype == "application/json":
            return response  # the API's answers are read by scripts, never shown as a page (nor sniffed as one)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
