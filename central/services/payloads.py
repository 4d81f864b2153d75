"""Parsing a pushed event with its contract model (common.contract); a bad payload is a Rejection."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from common.contract.wire import BadPayload
from common.contract.wire import parse as parse_wire
from common.refusals import REFUSALS


class Rejection(Exception):
    """A business rule refused the event: answered for that event and dead-lettered; the batch goes on."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


REFUSED_ALERT = "event_refused"  # the alert each refusal raises; the admin page counts them per store


class Refused(Rejection):
    """The event claims what does not hold (forged or inconsistent): dead-lettered, alerted, the store flagged."""

    def __init__(self, code: str, message: str) -> None:
        assert code in REFUSALS, code  # the store reads the code: one list on both sides
        super().__init__(code, message)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], payload: dict[str, Any]) -> M:
    try:
        return parse_wire(model, payload)
    except BadPayload as e:
        raise Rejection("bad_payload", f"the event's payload is not valid: {e}") from e
