"""Schemathesis fuzzing of every JSON API operation of the store server and the central store, from their own
OpenAPI documents, in-process (WSGI). Every answer must be below 500, and every error answer must have the documented
shape {"error": {"code", "message"}}.

Requests carry a valid bearer token (store: manager 9001 signed in on T1 with a shift open; central: a store token
made by `add_store`), so the fuzzer reaches the code behind the authentication, not only the 401 answer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import BaseModel
from schemathesis.checks import not_a_server_error

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # synckit lives in tests/, like the sync tests use it
from synckit import central_config, empty_central_url, pg_url  # noqa: E402,F401

# Small on purpose: ~60 operations x this many cases keeps the whole file well under 90 s.
EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer of the JSON API is {"error": {"code": str, "message": str, ...}}."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), (
        f"{case.method} {case.formatted_path} -> {response.status_code} without an error object: {response.text[:300]}"
    )
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"], f"error without a code: {body}"
    assert isinstance(err.get("message"), str) and err["message"], f"error without a message: {body}"
    return True


CHECKS = [not_a_server_error, error_shape]


class TinyQuery(BaseModel):
    """The query of the deliberately broken API below (module level: flask-openapi3 reads the annotation)."""

    n: int = 0


def fuzz_all(schema: Any, headers_for: Any) -> None:
    """Every operation of the schema, positive and negative cases; all failures reported together."""
    from hypothesis import given
    from schemathesis import GenerationMode

    failures: list[str] = []
    seen: dict[int, int] = {}
    operations = []
    for result in schema.get_all_operations():
        try:
            operations.append(result.ok())
        except AttributeError:  # an Err: the document itself is broken for this operation
            failures.append(f"invalid operation in the OpenAPI document: {result.err()}")
    assert operations or failures, "the OpenAPI document lists no operations"
    for op in operations:
        strategy = op.as_strategy(GenerationMode.POSITIVE) | op.as_strategy(GenerationMode.NEGATIVE)

        @FUZZ
        @given(case=strategy)
        def run(case: Any) -> None:
            resp = case.call_and_validate(headers=headers_for(case), checks=CHECKS)
            seen[resp.status_code] = seen.get(resp.status_code, 0) + 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - collect each operation's failure, fail once
            failures.append(f"{op.method.upper()} {op.path}: {str(e)[:1500]}")
    print(f"fuzzed {len(operations)} operations, answers by status: {dict(sorted(seen.items()))}")
    assert not failures, f"{len(failures)} of {len(operations)} operations failed:\n\n" + "\n\n".join(failures)
    assert seen.get(401, 0) < sum(seen.values()) // 2, "most cases bounced on authentication: the token is wrong"


# -- the store server --------------------------------------------------------------------------------------
def _sign_in(client: Any, staff: str, pin: str) -> str:
    resp = client.post("/api/v1/session", json={"staff_code": staff, "pin": pin, "till_id": "T1"})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def test_store_api_never_500_and_errors_are_shaped(store: Any) -> None:
    from pos.web.app import create_app

    app = create_app(store.config, store.db)
    client = app.test_client()
    token = _sign_in(client, "9001", "4321")
    assert (
        client.post(
            "/api/v1/shifts", json={"opening_float": 200_000}, headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 201
    )

    def headers_for(case: Any) -> dict[str, str]:
        if case.method.upper() == "DELETE" and case.path == "/api/v1/session":
            # signing out must not end the session every other operation uses
            return {"Authorization": f"Bearer {_sign_in(client, '1001', '1234')}"}
        return {"Authorization": f"Bearer {token}"}

    fuzz_all(schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers_for)


# -- the central store -------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_central_api_never_500_and_errors_are_shaped(
    backend: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL too: it refuses values SQLite stores (a NUL character, an over-long string)."""
    from central.db import central_database
    from central.services import demo, stores
    from central.services.context import CentralContext
    from central.web.app import create_central_app
    from common import member_qr

    url = empty_central_url(backend, tmp_path, tmp_path_factory, request)
    cfg = central_config(url)
    cfg.loyalty.signing_key = member_qr.new_private_key()  # made for this run, never a file in the tree
    ctx = CentralContext(db=central_database(url), config=cfg)
    demo.load(ctx, products_limit=10)
    token = stores.add_store(ctx, "TOKO-01", "Omnitoko Kemang")
    app = create_central_app(cfg, db=ctx.db)
    app.extensions["omnitoko_central"] = ctx
    try:
        fuzz_all(
            schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app),
            lambda case: {"Authorization": f"Bearer {token}"},
        )
    finally:
        ctx.db.dispose()


def test_the_fuzzer_notices_a_500_and_an_error_in_another_shape() -> None:
    """The checks are not vacuous: a tiny API that breaks both rules fails them, naming the operations."""
    from flask_openapi3 import OpenAPI, SecurityScheme

    app = OpenAPI(
        "broken",
        doc_prefix="/api/v1",
        doc_url="/openapi.json",
        security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")},
    )

    @app.get("/api/v1/crash")
    def crash(query: TinyQuery):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    @app.get("/api/v1/plain")
    def plain(query: TinyQuery):  # type: ignore[no-untyped-def]
        return {"detail": "not found"}, 404

    with pytest.raises(AssertionError) as err:
        fuzz_all(schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), lambda case: {})
    text = str(err.value)
    assert "GET /api/v1/crash" in text and "GET /api/v1/plain" in text
