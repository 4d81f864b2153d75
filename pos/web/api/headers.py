"""Request headers a decorator reads, declared on the view so the OpenAPI document lists them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel


def document_header(wrapper: Callable[..., Any], model: type[BaseModel]) -> Callable[..., Any]:
    """flask-openapi3 documents (and passes as `header=`) the model a view's `header` annotation names; the
    wrapper drops that argument before calling the view, which reads nothing new."""
    wrapper.__annotations__ = {**getattr(wrapper, "__annotations__", {}), "header": model}
    return wrapper


def drop_header(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.pop("header", None)
    return kwargs
