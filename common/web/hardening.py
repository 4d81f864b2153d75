"""What both servers' app factories do before serving: refuse a missing or known secret key, set the cookie flags
and proxy trust from [server], and the pages' security headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from common.config_reader import ConfigError

from .page_policy import protect_pages

# Keys that were ever written in this repository's examples: anyone can sign cookies with them.
KNOWN_KEYS = frozenset({"dev-only-change-me", "change-me", "secret", "test-secret", "sim-secret"})
MIN_KEY_CHARS = 32


class _Server(Protocol):
    secret_key: str
    public_url: str
    trust_proxy: bool


class _SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (directly, or per a trusted proxy)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # No cookie (an API call with a bearer token): an empty session without building the signer, which costs
        # more than an idle sync pull's own work, nor parsing the Cookie header (werkzeug walks the whole environ
        # to find it) when there is none.
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ or not request.cookies.get(self.get_cookie_name(app))
        ):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # untouched and empty: Flask's own code would read the cookie settings and do nothing
        super().save_session(app, session, response)


def check_secret_key(key: str, env_name: str, init_command: str) -> None:
    """One line naming the setting, for a start that must not go ahead."""
    if not key:
        raise ConfigError(
            f"[server] secret_key is not set: run `{init_command}` (it writes [server] "
            f"secret_key_file) or set {env_name} to a long random value"
        )
    if key in KNOWN_KEYS or len(key) < MIN_KEY_CHARS:
        raise ConfigError(
            f"[server] secret_key is a published example or shorter than {MIN_KEY_CHARS} characters "
            f"(anyone could sign cookies with it): delete it from the config and run `{init_command}`, "
            f"or set {env_name} to a long random value"
        )


def harden(
    app: Flask,
    server: _Server,
    *,
    env_name: str,
    init_command: str,
    cookie: str,
    form_targets: Iterable[str] = (),
) -> None:
    """`cookie`: the session cookie's own name per server. A browser keeps cookies by host, not port, so a store
    and a central store on one host (the demo, a small shop) would otherwise sign each other's users out.
    Every answer carries the pages' security policy (common.web.page_policy; `form_targets` as there)."""
    check_secret_key(server.secret_key, env_name, init_command)
    app.config.update(
        SECRET_KEY=server.secret_key,
        SESSION_COOKIE_NAME=cookie,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=server.public_url.startswith("https://"),
    )
    app.session_interface = _SessionCookies()
    protect_pages(app, form_targets)
    if server.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app
