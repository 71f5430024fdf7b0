"""The twelve district Local Action Plans (issue 5) and the annex blocks a committee report reuses."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import docx
import pytest
from conftest import DATA, TEMPLATES

CABINET = "2008-11-19"  # seed 002: Tonbridge and Malling Cabinet endorses its plan
TM = "Tonbridge and Malling"


def districts() -> list[dict]:
    with open(DATA / "districts.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def plan_rows(district: str, as_at: str) -> list[dict]:
    with open(DATA / "local_action_plans.csv", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["district"] == district and r["date"] <= as_at]


def illustrative_sources() -> set[str]:
    with open(DATA / "sources.csv", encoding="utf-8") as handle:
        return {r["source"] for r in csv.DictReader(handle) if r["illustrative"] == "yes"}


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


class Plan:
    """A generated plan read back: its paragraphs and its table rows (header rows dropped)."""

    def __init__(self, path: Path):
        self.document = docx.Document(str(path))
        self.paragraphs = [p.text for p in self.document.paragraphs]
        self.headings = [p.text for p in self.document.paragraphs if p.style.name.startswith("Heading")]
        self.rows = [[c.text for c in row.cells] for table in self.document.tables for row in table.rows[1:]]
        self.header = [c.text for c in self.document.tables[0].rows[0].cells] if self.document.tables else []
        self.text = "\n".join(self.paragraphs + ["\t".join(r) for r in self.rows])

    def row(self, ni: str) -> list[str]:
        return next(r for r in self.rows if r[0].startswith(f"NI {ni} "))


@pytest.fixture(scope="module")
def cabinet_build(build_at):
    return build_at(CABINET)


def test_every_district_has_a_plan_in_the_manifest_naming_its_district_and_lsp(may_build):
    manifest = json.loads((may_build / "manifest.json").read_text())
    plans = {d["path"]: d for d in manifest["documents"] if d["kind"] == "local-action-plan"}
    expected = {f"local-action-plans/{slug(d['district'])}.docx": d for d in districts()}
    assert set(plans) == set(expected)
    assert len(plans) == 12
    for path, district in expected.items():
        assert plans[path]["format"] == "docx" and plans[path]["template"] == "docx/local-action-plan.docx"
        plan = Plan(may_build / path)
        assert plan.headings[0] == f"Kent Agreement 2: Local Action Plan for {district['district']}"
        assert any(district["lsp"] in p for p in plan.paragraphs), path
        assert plan.document.core_properties.title == plan.headings[0]
        # No plan row is dated on or before 1 May 2008: the plan says so, as at the date.
        assert "As at 1 May 2008 the Local Strategic Partnership has not yet chosen any indicators" in plan.text
        assert plan.rows == []


def test_tonbridge_and_malling_plan_holds_each_row_of_the_data(cabinet_build):
    plan = Plan(cabinet_build / "local-action-plans/tonbridge-and-malling.docx")
    rows = plan_rows(TM, CABINET)
    assert 8 <= len(rows) <= 15
    assert plan.header == ["Indicator", "Countywide target (by 10/11)", "Local target, or why there is none", "Local actions", "Local partners"]
    assert len(plan.rows) == len(rows)
    for row in rows:
        shown = plan.row(row["ni"])
        expected = row["local_target"] or f"No local target: {row['no_target_reason']}"
        assert shown[2].startswith(expected), shown
        assert shown[3].startswith(row["actions"]) and shown[4].startswith(row["local_partners"])
    assert "Local Strategic Partnership for Tonbridge and Malling" in plan.text
    assert "Position as at: 19 November 2008" in plan.paragraphs


def test_countywide_target_comes_from_the_position(cabinet_build):
    from ka2docs.data.load import load
    from ka2docs.history import position

    now = position(load(DATA), dt.date.fromisoformat(CABINET))
    plan = Plan(cabinet_build / "local-action-plans/tonbridge-and-malling.docx")
    assert plan.row("191")[1] == now.by_ni(191).value("", "10/11") == "704 kg"
    assert plan.row("195")[1].splitlines()[0].startswith("Litter / Detritus: ")
    assert plan.row("152")[1].startswith("Not yet set (")


def test_plans_are_grouped_by_theme_in_the_agreements_order(cabinet_build):
    plan = Plan(cabinet_build / "local-action-plans/tonbridge-and-malling.docx")
    themes = [h for h in plan.headings[1:]]
    assert themes[0] == "Economic Success - Opportunities for All"
    assert themes.index("Environmental Excellence") < themes.index("High Quality Homes")
    swale = Plan(cabinet_build / "local-action-plans/swale.docx")
    if any(r["ni"] == "87" for r in plan_rows("Swale", CABINET)):
        assert swale.headings[-1] == "Statutory DCSF education and early years indicators"


def test_illustrative_rows_are_marked(cabinet_build):
    assert {r["source"] for r in plan_rows(TM, CABINET)} <= illustrative_sources()
    plan = Plan(cabinet_build / "local-action-plans/tonbridge-and-malling.docx")
    assert any(p.startswith("Illustrative: values marked (illustrative)") for p in plan.paragraphs)
    for row in plan.rows:
        assert all(cell.endswith("(illustrative)") for cell in row[2:]), row
    # An LSP name the seeds do not give is marked; Tonbridge and Malling's comes from seed 002.
    ashford = Plan(cabinet_build / "local-action-plans/ashford.docx")
    assert "Local Strategic Partnership: Ashford Local Strategic Partnership (illustrative)" in ashford.paragraphs
    assert "Local Strategic Partnership: Local Strategic Partnership for Tonbridge and Malling" in plan.paragraphs


def test_a_plan_shows_only_rows_dated_on_or_before_the_date(cabinet_build):
    later = [d["district"] for d in districts() if not plan_rows(d["district"], CABINET)]
    assert later, "the data should hold a district whose plan is adopted after the Cabinet date"
    plan = Plan(cabinet_build / f"local-action-plans/{slug(later[0])}.docx")
    assert plan.rows == []
    assert "has not yet chosen any indicators" in plan.text


def test_annex_blocks_are_the_plan_body(data_copy):
    from ka2docs.data.load import load
    from ka2docs.documents import action_plans
    from ka2docs.history import position

    now = position(load(data_copy), dt.date.fromisoformat(CABINET))
    blocks = action_plans.annex_blocks(now, TM)
    (document,) = [d for d in action_plans.documents(now) if d.id == "local-action-plans/tonbridge-and-malling"]
    assert document.context["body"][1:] == blocks
    assert json.loads(json.dumps(blocks)) == blocks  # plain data only
    tables = [b for b in blocks if b["kind"] == "table"]
    assert sum(len(t["rows"]) for t in tables) == len(plan_rows(TM, CABINET))
    assert sum(tables[0]["widths"]) <= 17.0  # fits a portrait report's 17 cm text width


def test_unknown_district_is_a_data_error():
    from ka2docs.data.load import load
    from ka2docs.documents import action_plans
    from ka2docs.errors import DataError
    from ka2docs.history import position

    now = position(load(DATA), dt.date.fromisoformat(CABINET))
    with pytest.raises(DataError) as raised:
        action_plans.annex_blocks(now, "Medway")
    assert "unknown district 'Medway' (allowed: Ashford" in str(raised.value)


def test_a_later_row_supersedes_and_the_rendered_plan_shows_it(data_copy):
    from ka2docs.data.load import load
    from ka2docs.documents import action_plans
    from ka2docs.history import position

    with open(data_copy / "sources.csv", "a", encoding="utf-8") as handle:
        handle.write("lsp-minutes,A later LSP meeting (test data),2009-03-02,no\n")
    with open(data_copy / "local_action_plans.csv", "a", encoding="utf-8") as handle:
        handle.write(f"2009-03-02,{TM},21,Reduce the share of residents who see anti-social behaviour as a problem by 2 points,,Joint action days,Kent Police,lsp-minutes\n")
    for as_at, expected in (("2009-03-01", "No local target: Awaiting Place Survey"), ("2009-03-02", "Reduce the share of residents")):
        now = position(load(data_copy), dt.date.fromisoformat(as_at))
        (document,) = [d for d in action_plans.documents(now) if d.id.endswith("/tonbridge-and-malling")]
        out = data_copy.parent / f"plan-{as_at}.docx"
        out.write_bytes(document.render(TEMPLATES))
        shown = Plan(out).row("21")
        assert shown[2].startswith(expected), shown
    assert not shown[2].endswith("(illustrative)")  # a row from a real source is not marked
