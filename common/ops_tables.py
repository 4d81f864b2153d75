"""Config tables both servers share (issue 19): who may read /metrics, and how logs are written."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MetricsTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    # Empty: /metrics answers only from this machine (127.0.0.1, ::1). Set: Prometheus sends
    # "Authorization: Bearer <token>" and may scrape from anywhere.
    token: str = Field("", max_length=200)


class LoggingTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["text", "json"] = "text"  # json: one object a line (journald, Loki, Elasticsearch)
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
