"""The reconciliation topic's version 2 carries who resolved a task at head office and the note, and who opened it
again and why: optional fields, so a version-1 agent reads the task as before and an older central's item fits."""

from __future__ import annotations

import pytest

from common.contract import schema
from common.contract.topics import TOPICS, ReconciliationData, ReconciliationDataV2, check_topic
from common.contract.wire import BadPayload

TASK = {
    "id": "5f0c1f0e-0000-4000-8000-0000000000aa",
    "kind": "below_zero",
    "sku": "SKU-00001",
    "message": "SKU-00001 at TOKO-01 is at -1 on hand",
    "detail": {"location": "TOKO-01", "on_hand": -1, "occurrences": 1},
    "raised_at": "2026-12-06T06:00:00",
    "resolved_at": "2026-12-06T07:00:00",
}
SAID = {"resolved_by": "rina.pusat", "resolution_note": "stok dihitung ulang", "reopened_at": None}


def test_central_publishes_reconciliation_version_2_and_version_1_stays_as_published() -> None:
    assert TOPICS["reconciliation"] == (2, ReconciliationDataV2)
    assert set(ReconciliationDataV2.model_fields) - set(ReconciliationData.model_fields) == {
        "resolved_by",
        "resolution_note",
        "reopened_at",
        "reopened_by",
        "reopen_note",
    }
    saved = schema.snapshot()
    assert saved["topic:reconciliation@1"] == ReconciliationData.model_json_schema()
    assert saved["topic:reconciliation@2"] == ReconciliationDataV2.model_json_schema()


def test_an_older_centrals_item_fits_and_names_no_one() -> None:
    parsed = check_topic("reconciliation", TASK)
    assert parsed.resolved_by is None and parsed.model_fields_set.isdisjoint(SAID)  # type: ignore[attr-defined]


def test_a_version_1_agent_reads_the_task_as_before() -> None:
    old = ReconciliationData.model_validate({**TASK, **SAID})  # extra fields are kept, not read
    assert (old.id, old.resolved_at) == (TASK["id"], TASK["resolved_at"])


def test_a_note_past_centrals_limit_is_cut_at_it_and_a_name_at_its_column() -> None:
    parsed = check_topic("reconciliation", {**TASK, "resolution_note": "é" * 5_000, "reopened_by": "b" * 200})
    assert parsed.resolution_note == "é" * 500 and parsed.reopened_by == "b" * 64  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", [{"resolution_note": {"html": "<b>"}}, {"reopen_note": 7}, {"resolved_by": ["a"]}])
def test_a_note_or_name_that_is_no_text_is_refused_by_the_model(bad: dict[str, object]) -> None:
    with pytest.raises(BadPayload):
        check_topic("reconciliation", {**TASK, **bad})
