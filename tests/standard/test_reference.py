"""The standard's documentation is complete and current."""

from __future__ import annotations

from forceplan.standard import RECORD_TYPES
from forceplan.standard.organisation import Restriction, Skill
from forceplan.standard.reference import render_reference
from tests.conftest import REPO


def test_every_field_has_a_meaning_and_an_example():
    missing = [
        f"{model.__name__}.{name}"
        for model in [*RECORD_TYPES.values(), Skill, Restriction]
        for name, info in model.model_fields.items()
        if not info.description or not info.examples
    ]
    assert missing == []


def test_docs_standard_md_holds_the_current_reference():
    text = (REPO / "docs" / "standard.md").read_text(encoding="utf-8")
    assert render_reference() in text, "run: forceplan standard docs --output docs/standard.md"


def test_reference_names_every_field():
    reference = render_reference()
    for model in RECORD_TYPES.values():
        for name in model.model_fields:
            assert f"| `{name}` |" in reference
