"""Each variant is declared once (tender types, printer kinds, event types); whatever reads it follows the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from central.services.handlers import HANDLERS
from common.contract.events import EVENTS, written_version
from common.contract.names import EventType
from common.tenders import DIRECT_TENDERS, TENDERS
from pos.adapters.config import PrinterTable
from pos.adapters.printer_kinds import PRINTER_KINDS, prints
from pos.adapters.printing import PrinterProblem, open_device
from pos.domain.receipt import LABELS
from pos.web.api.schemas import RefundIn, TenderIn

ROOT = Path(__file__).resolve().parents[2]


# A manager's retry or discard of a dead letter: the store sends them, central dead-letters them as
# unknown_event_type (it has no handler yet). Handling one at central means taking it off this list.
NOT_HANDLED_AT_CENTRAL = {EventType.DEAD_LETTER_RETRY, EventType.DEAD_LETTER_DISCARD}


def test_central_applies_every_event_type_and_version_of_the_contract_and_nothing_outside_it() -> None:
    assert set(HANDLERS) <= set(EVENTS)
    assert {t for t, _ in set(EVENTS) - set(HANDLERS)} == NOT_HANDLED_AT_CENTRAL


def test_the_store_writes_each_event_type_at_a_version_central_applies() -> None:
    for type_ in {t for t, _ in EVENTS} - NOT_HANDLED_AT_CENTRAL:
        assert (type_, written_version(type_)) in HANDLERS, type_


def test_central_reads_the_version_stores_write_and_the_one_before_it_while_stores_upgrade() -> None:
    # Issue 19: central is upgraded first, so it applies the last two versions of each type (an N-1 store's events).
    for type_ in {t for t, _ in EVENTS} - NOT_HANDLED_AT_CENTRAL:
        newest = written_version(type_)
        assert {(type_, v) for v in (newest - 1, newest) if (type_, v) in EVENTS} <= set(HANDLERS), type_


def test_the_store_refuses_to_write_an_event_type_the_contract_does_not_declare() -> None:
    with pytest.raises(KeyError, match="'sale.voided' is not declared in common/contract"):
        written_version("sale.voided")


@pytest.mark.parametrize("kind", sorted(PRINTER_KINDS))
def test_every_declared_printer_kind_is_accepted_in_config_with_the_keys_it_needs(kind: str) -> None:
    needed = PRINTER_KINDS[kind].needs
    given = {key: 1 if key.startswith("usb_") else "x" for key in needed}
    assert PrinterTable(kind=kind, **given).kind == kind
    for key in needed:
        with pytest.raises(ValidationError, match=f"printer.{key} is required"):
            PrinterTable(kind=kind, **{k: v for k, v in given.items() if k != key})


def test_a_printer_kind_nobody_declared_is_refused_naming_the_declared_ones() -> None:
    with pytest.raises(ValidationError) as e:
        PrinterTable(kind="bluetooth")
    assert all(f"'{k}'" in str(e.value) for k in PRINTER_KINDS)


def test_no_printer_is_the_only_kind_that_queues_nothing_and_opening_it_says_so() -> None:
    assert [k for k in PRINTER_KINDS if not prints(k)] == ["none"]
    with pytest.raises(PrinterProblem) as e:
        open_device(PrinterTable(kind="none"))
    assert e.value.code == "no_printer"


def test_the_api_takes_and_refunds_in_the_direct_tenders_of_the_registry_only() -> None:
    for model, field in ((TenderIn, "type"), (RefundIn, "tender_type")):
        prop = model.model_json_schema()["properties"][field]
        enums = [p["enum"] for p in prop.get("anyOf", [prop]) if "enum" in p]  # a refund may name none (its own)
        assert enums == [list(DIRECT_TENDERS)]  # the OpenAPI enum
    with pytest.raises(ValidationError):
        TenderIn(type="points", amount=1_000)  # points are paid through the member's hold, never typed in
    assert "points" not in DIRECT_TENDERS and set(DIRECT_TENDERS) < set(TENDERS)


@pytest.mark.parametrize("name", sorted(TENDERS))
def test_every_tender_has_its_words_on_the_receipt_and_at_the_till_in_both_languages(name: str) -> None:
    assert LABELS["id"][name] == TENDERS[name].label_id and LABELS["en"][name] == TENDERS[name].label_en
    for app in ("pos", "manager"):
        words = json.loads((ROOT / "static" / "i18n" / f"{app}.json").read_text(encoding="utf-8"))
        assert all(words[loc].get(f"tender.{name}") for loc in ("id", "en")), f"static/i18n/{app}.json"
