"""Log lines as text or as one JSON object a line ([logging] format), with the request id of the request served.

The store's sync agent sends an `X-Request-ID` with each round's calls; the central store answers with it and
puts it on every line it logs while serving that call, so one id finds a round on both sides.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from common.ops_tables import LoggingTable

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            try:
                from common.web.request_ids import request_id

                record.request_id = request_id()
            except Exception:  # noqa: BLE001 - outside Flask, or Flask not importable: no id
                record.request_id = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            out["request_id"] = rid
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(table: LoggingTable, service: str) -> None:
    """Set the root logger's level and every handler's format (text, or JSON with the service name)."""
    root = logging.getLogger()
    root.setLevel(table.level)
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter() if table.format == "json" else logging.Formatter(TEXT))
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
    logging.getLogger("omnitoko").debug("logging as %s for %s", table.format, service)
