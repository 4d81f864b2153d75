"""Every refusal central can answer a store event with reads in both languages (issue 16 point 4)."""

from __future__ import annotations

import pytest

from common.i18n import LOCALES, messages
from common.refusals import REFUSALS, why


@pytest.mark.parametrize("lang", LOCALES)
def test_every_refusal_has_words_in_each_language(lang: str) -> None:
    words = messages("errors", lang)
    missing = sorted(code for code in REFUSALS if f"refusal.{code}" not in words)
    assert not missing, f"refusals with no {lang} words: {missing}"


def test_the_indonesian_words_are_not_the_english_ones() -> None:
    same = sorted(code for code in REFUSALS if why(code, "id") == why(code, "en"))
    assert not same, f"refusals left in English on an Indonesian page: {same}"
    assert why("underpaid", "id") == "tidak dibayar penuh" and why("underpaid", "en") == "was not paid in full"


def test_a_code_that_is_not_a_refusal_has_no_words() -> None:
    assert why("unknown_schema_version", "id") == ""
