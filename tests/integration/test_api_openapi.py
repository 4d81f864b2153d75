"""The OpenAPI document at /api/v1/openapi.json is generated from the code and lists every endpoint."""

from __future__ import annotations

import re
from typing import Any

ISSUE_PATHS = {
    "/api/v1/health": {"get"},
    "/api/v1/session": {"post"},
    "/api/v1/products": {"get"},
    "/api/v1/shifts": {"post"},
    "/api/v1/shifts/current/close": {"post"},
    "/api/v1/reports/x": {"get"},
    "/api/v1/sales": {"post"},
    "/api/v1/sales/{sale_id}/lines": {"post"},
    "/api/v1/sales/{sale_id}/discounts": {"post"},
    "/api/v1/sales/{sale_id}/park": {"post"},
    "/api/v1/sales/{sale_id}/resume": {"post"},
    "/api/v1/sales/{sale_id}/void": {"post"},
    "/api/v1/sales/{sale_id}/tenders": {"post"},
    "/api/v1/sales/{sale_id}/pay": {"post"},
    "/api/v1/sales/{sale_id}/complete": {"post"},
    "/api/v1/sales/{sale_id}": {"get"},
    "/api/v1/refunds": {"post"},
    "/api/v1/stock/{sku}": {"get"},
}


def served_api_routes(app: Any) -> dict[str, set[str]]:
    """Every /api/v1 route the app really answers, in OpenAPI spelling, with its methods."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("openapi"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_the_openapi_document_lists_every_api_path_and_method_the_server_answers(api: Any) -> None:
    resp = api.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    documented = {path: set(ops) - {"parameters"} for path, ops in doc["paths"].items()}
    served = served_api_routes(api.app)
    assert served and documented == served


def test_every_endpoint_the_issue_names_is_in_the_openapi_document(api: Any) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    for path, methods in ISSUE_PATHS.items():
        assert path in doc["paths"], path
        assert methods <= set(doc["paths"][path]), path


def test_money_in_the_api_schemas_is_an_integer(api: Any) -> None:
    schemas = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["TenderIn"]["properties"]["amount"]["type"] == "integer"
    assert schemas["ShiftIn"]["properties"]["opening_float"]["type"] == "integer"
    assert schemas["CloseShiftIn"]["properties"]["counted_cash"]["type"] == "integer"


def test_till_endpoints_are_documented_as_needing_a_bearer_token(api: Any) -> None:
    doc = api.get("/api/v1/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert doc["paths"]["/api/v1/sales"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in doc["paths"]["/api/v1/health"]["get"]
