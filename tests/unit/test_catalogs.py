"""One translation mechanism: every catalog has the same keys and placeholders in Bahasa Indonesia and English."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from common import i18n

ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r"\{(\w+)\}")


def names(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("domain", i18n.domains())
def test_every_key_of_a_catalog_is_in_both_languages(domain: str) -> None:
    cat = i18n.catalog(domain)
    assert set(cat) == set(i18n.LOCALES), f"static/i18n/{domain}.json has languages {sorted(cat)}"
    only_id = sorted(set(cat["id"]) - set(cat["en"]))
    only_en = sorted(set(cat["en"]) - set(cat["id"]))
    assert not only_id and not only_en, f"{domain}: only in Indonesian {only_id}; only in English {only_en}"
    empty = sorted(f"{loc}:{k}" for loc in i18n.LOCALES for k, v in cat[loc].items() if not str(v).strip())
    assert not empty, f"{domain}: empty texts {empty}"


@pytest.mark.parametrize("domain", i18n.domains())
def test_a_text_names_the_same_placeholders_in_both_languages(domain: str) -> None:
    cat = i18n.catalog(domain)
    differ = [k for k in cat["id"] if set(FIELD.findall(cat["id"][k])) != set(FIELD.findall(cat["en"].get(k, "")))]
    assert not differ, f"{domain}: placeholders differ in {differ}"


def test_the_check_catches_a_key_missing_in_one_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "demo.json").write_text(json.dumps({"id": {"a": "satu", "b": "dua"}, "en": {"a": "one"}}))
    monkeypatch.setattr(i18n, "CATALOG_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        with pytest.raises(AssertionError, match=r"only in Indonesian \['b'\]"):
            test_every_key_of_a_catalog_is_in_both_languages("demo")
    finally:
        i18n.catalog.cache_clear()


def test_no_other_place_holds_translations() -> None:
    """The old homes of texts are gone: per-app i18n files, inline JS tables of both languages."""
    strays = [p for p in (ROOT / "static").rglob("*i18n*.json") if p.parent.name != "i18n"]
    assert not strays, strays
    for js in (ROOT / "static").rglob("*.js"):
        if "vendor" in js.parts:
            continue
        src = js.read_text(encoding="utf-8")
        assert not re.search(r"\ben\s*:\s*\{", src), f"{js.relative_to(ROOT)} keeps its own English table"


def test_texts_fill_and_pick_the_singular() -> None:
    assert i18n.text("status", "en", "printer.failed", n=1) == "Printer: 1 receipt failed - check the print queue"
    assert i18n.text("status", "en", "printer.failed", n=3) == "Printer: 3 receipts failed - check the print queue"
    # a count grouped for display ("1", "1.250") picks the same: one is "1"
    assert i18n.text("status", "en", "printer.failed", n="1") == "Printer: 1 receipt failed - check the print queue"
    assert (
        i18n.text("status", "en", "printer.failed", n="1.250")
        == "Printer: 1.250 receipts failed - check the print queue"
    )
    assert i18n.text("status", "id", "sync.in_sync") == "Tersinkron"
    assert i18n.text("status", "xx", "sync.in_sync") == "Tersinkron"  # an unknown language reads Indonesian


def test_the_callers_language_comes_from_their_choice_then_accept_language() -> None:
    assert i18n.request_locale(["en", None], "id-ID,id;q=0.9") == "en"
    assert i18n.request_locale([None, "xx"], "fr-FR,id;q=0.8,en;q=0.5") == "id"
    assert i18n.request_locale([None], "en-US,en;q=0.9") == "en"
    assert i18n.request_locale([None], "fr;q=1, id;q=0") is None
    assert i18n.request_locale([None], None) is None


def test_an_error_message_is_worded_from_its_details_or_left_as_the_service_wrote_it() -> None:
    said = i18n.error_message("id", "underpaid", "x", {"remaining": 12_500})
    assert said == "Masih Rp 12.500 yang harus dibayar sebelum transaksi selesai"
    assert i18n.error_message("id", "unknown_sku", "SKU X not found", {}) == "SKU X not found"  # a detail lacking
    assert i18n.error_message("id", "no_such_code", "as written", {}) == "as written"
