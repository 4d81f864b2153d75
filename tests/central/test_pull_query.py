"""The pull reads its query by hand (sync_api.pull_query): what a store and an integrator see stays as before."""

from __future__ import annotations

import pytest
from synckit import central, pg_url  # noqa: F401


@pytest.fixture
def get(central):
    client = central.extra["app"].test_client()

    def call(path: str, lang: str = "en"):
        return client.get(path, headers={"Authorization": f"Bearer {central.token}", "Accept-Language": lang})

    return call


def test_the_openapi_document_still_describes_the_pull_query(central):
    doc = central.extra["app"].test_client().get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/sync/pull"]["get"]["parameters"]}
    assert set(params) == {"cursor", "limit"} and all(p["in"] == "query" for p in params.values())
    assert params["limit"]["schema"]["maximum"] == 10_000


def test_bad_query_values_are_a_400_naming_the_field(get):
    for query, field in [
        ("cursor=abc", "cursor"),
        ("cursor=", "cursor"),
        ("limit=0", "limit"),
        ("cursor=-1", "cursor"),
    ]:
        resp = get(f"/api/v1/sync/pull?{query}")
        body = resp.get_json()
        assert resp.status_code == 400 and body["error"]["code"] == "invalid_request", query
        assert [f["field"] for f in body["error"]["fields"]] == [field], query


def test_a_repeated_field_takes_its_first_value_and_unknown_fields_are_ignored(get):
    head = get("/api/v1/sync/pull?cursor=0&limit=10000").get_json()["head"]
    resp = get(f"/api/v1/sync/pull?cursor={head}&cursor=abc&mystery=1")
    assert resp.status_code == 200 and resp.get_json()["changes"] == []
    assert get(f"/api/v1/sync/pull?cursor=abc&cursor={head}").status_code == 400
