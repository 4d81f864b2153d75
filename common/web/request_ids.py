"""The id of the request being served (what log lines carry); no Prometheus import here, so a log line
written before gunicorn forks does not load prometheus_client before its multiprocess folder is set."""

from __future__ import annotations

from flask import g, has_request_context


def request_id() -> str | None:
    if not has_request_context():
        return None
    rid = g.get("request_id")
    return str(rid) if rid else None
