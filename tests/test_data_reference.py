"""docs/data-reference.md: written from the loader's schema, up to date, and complete.

Complete means every key the code reads is declared (with a description) in
data/schema.py, checked by recording every key the documents of both shipped areas
read from agreement.yaml while they are worked out.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from conftest import DATA, ROOT

from ka2docs.data import schema

REFERENCE = ROOT / "docs" / "data-reference.md"
WESTMERE = ROOT / "examples" / "westmere"


def test_the_committed_reference_is_what_the_schema_writes():
    from ka2docs.data.reference import render

    assert REFERENCE.read_text(encoding="utf-8") == render(), "run: python scripts/make_data_reference.py"


def test_the_script_rewrites_the_reference(tmp_path):
    before = REFERENCE.read_text(encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_data_reference.py")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert REFERENCE.read_text(encoding="utf-8") == before


def test_the_reference_lists_every_table_column_and_key_with_its_description():
    text = REFERENCE.read_text(encoding="utf-8")
    for name, table in schema.SCHEMA.items():
        assert f"### `{name}.csv`" in text
        for column in table.columns:
            assert f"| `{column.name}` |" in text and column.about in text, (name, column.name)
    for prefix, keys in (("", schema.AGREEMENT_SECTIONS), ("agreement.", schema.FACTS), ("agreement.refresh.", schema.REFRESH), ("reward_grant.", schema.REWARD), ("contact.", schema.CONTACT), ("", schema.REPORT)):
        for key, spec in keys.items():
            assert f"| `{prefix}{key}` | {'required' if spec.required else 'optional'} |" in text, key
    for vocabulary, keys in schema.VOCABULARIES.items():
        section = text.split(f"### `{vocabulary}:`")[1].split("###")[0]
        assert all(f"| `{key}` |" in section for key in keys), vocabulary
    for table in schema.REPORT_TABLES:
        assert f"| `{table}` |" in text


def test_a_column_cannot_be_declared_without_a_description():
    with pytest.raises(ValueError, match="has no description"):
        schema._columns(("new_column:text", ""))


class Recording(dict):
    """A dict that notes every key read from it."""

    def __init__(self, values, seen: set, prefix: str):
        super().__init__(values)
        self.seen, self.prefix = seen, prefix

    def __getitem__(self, key):
        self.seen.add(self.prefix + str(key))
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.seen.add(self.prefix + str(key))
        return super().get(key, default)

    def __contains__(self, key):
        self.seen.add(self.prefix + str(key))
        return super().__contains__(key)


@pytest.mark.parametrize("folder", [DATA, WESTMERE], ids=["kent", "westmere"])
def test_every_agreement_key_the_documents_read_is_in_the_schema(folder):
    from ka2docs.data.load import load
    from ka2docs.documents.plan import plan

    data = load(folder)
    agreement = data.agreement
    seen: set[str] = set()
    agreement.facts = Recording(agreement.facts, seen, "agreement.")
    agreement.reward_grant = Recording(agreement.reward_grant, seen, "reward_grant.")
    agreement.contact = Recording(agreement.contact, seen, "contact.")
    for vocabulary in schema.VOCABULARIES:
        for code in getattr(agreement, vocabulary):
            object.__setattr__(code, "extra", Recording(code.extra, seen, f"{vocabulary}."))
    for day in ("2008-05-01", "2008-06-30", "2008-12-31"):
        plan(data, dt.date.fromisoformat(day))
    declared = {f"agreement.{k}" for k in schema.FACTS} | {f"reward_grant.{k}" for k in schema.REWARD}
    declared |= {f"contact.{k}" for k in schema.CONTACT}
    declared |= {f"{v}.{k}" for v, keys in schema.VOCABULARIES.items() for k in keys}
    assert seen, "nothing was recorded: the test no longer sees the documents read the agreement"
    assert seen <= declared, f"read but not in data/schema.py: {sorted(seen - declared)}"
    # The documents read the keys that shape them (not only the loader's checks).
    assert {"agreement.markings", "sets.summary", "roles.signed", "statuses.short"} <= seen


def test_the_reference_s_short_agreement_yaml_is_one_the_loader_accepts(tmp_path):
    from ka2docs.data.load import load

    text = REFERENCE.read_text(encoding="utf-8")
    snippet = text.split("A short agreement.yaml:", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "agreement.yaml").write_text(snippet, encoding="utf-8")
    problems: list = []
    load(tmp_path, problems)
    assert not [p for p in problems if p.file.endswith("agreement.yaml")], problems
    assert {p.file.rsplit("/", 1)[-1] for p in problems} == {f"{name}.csv" for name, table in schema.SCHEMA.items() if not table.optional}
