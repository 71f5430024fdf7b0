"""Officers writing reports: the Word body, every table and figure by name, validate, the guide.

The shipped example (Kent County Council Cabinet, 15 December 2008, a Word body) and the
guide's worked example (YAML) are built and opened; their figures are checked against
what `ka2docs status --json` and `ka2docs changes --json` say for the same dates.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import docx
import pytest
from conftest import DATA, ROOT, docx_blocks, run_cli
from docx.table import Table
from docx.text.paragraph import Paragraph

EXAMPLE = "reports/kcc-cabinet-2008-12-15.docx"
EXAMPLE_BODY = DATA / "reports" / "kcc-cabinet-2008-12-15.docx"
EXAMPLE_AS_AT = "2008-12-12"
GUIDE = ROOT / "docs" / "writing-reports.md"


body = docx_blocks


def text_of(path: Path) -> str:
    return "\n".join(re.sub(r"\s+", " ", b.text) for b in body(path) if isinstance(b, Paragraph))


def table_after(path: Path, caption_start: str) -> list[list[str]]:
    """The rows of the table a caption paragraph follows."""
    blocks = body(path)
    at = next(n for n, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith(caption_start))
    table = next(b for b in reversed(blocks[:at]) if isinstance(b, Table))
    return [[c.text for c in row.cells] for row in table.rows]


def cli_json(*args: str):
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def december(build_at) -> Path:
    return build_at("2008-12-19") / EXAMPLE


# --- the shipped Word-bodied example ------------------------------------------------


def test_the_december_report_figures_match_ka2docs_status(december):
    status = cli_json("status", "--as-at", EXAMPLE_AS_AT)
    text = text_of(december)
    assert f"{status['counts']['agreed']} of the {status['indicators']} negotiated indicators have baselines and targets agreed" in text
    assert f"The {status['dcsf']} statutory education" in text
    at_submission = cli_json("status", "--as-at", "2008-05-30")
    assert f"against {at_submission['counts']['agreed']} at the submission" in text
    rows = table_after(december, "Table 1: the position on target-setting")

    def cell(row: dict) -> str:
        count = f"({row['count']})" if row["kind"] == "set" else str(row["count"])
        return count + (" (illustrative)" if row["illustrative"] else "")

    assert rows[1:] == [[row["label"], cell(row)] for row in status["rows"]]
    assert ["Total", str(status["indicators"])] in rows


def test_the_december_changes_table_is_ka2docs_changes(december):
    changes = cli_json("changes", "--since", "2008-05-30", "--as-at", EXAMPLE_AS_AT)
    rows = table_after(december, "Table 2: changes between the submission")
    assert rows[0][2:4] == ["At 30/05/08", "As at 12/12/08"]
    lines = [r for r in rows[1:] if r[1]]  # the rest are theme headings
    assert len(lines) == len(changes) == 23
    unmark = lambda text: text.removesuffix(" (illustrative)")
    shown = sorted((int(r[0].split()[1]), unmark(r[3]), unmark(r[2])) for r in lines)
    expected = sorted((c["ni"], c["new"], c["old"]) for c in changes)
    assert shown == expected
    assert all(r[3].endswith("(illustrative)") for r in lines)  # every row after the submission is illustrative
    text = text_of(december)
    kinds = {k: sum(1 for c in changes if c["kind"] == k) for k in ("status", "baseline", "target")}
    assert f"records {len(changes)} changes: {kinds['status']} of status, {kinds['baseline']} baselines, {kinds['target']} targets" in text


def test_the_december_report_quotes_an_indicator_as_the_submission_shows_it(december):
    changes = cli_json("changes", "--since", "2008-05-30", "--as-at", EXAMPLE_AS_AT)
    target = next(c["new"] for c in changes if c["ni"] == 197 and c["kind"] == "target")
    text = text_of(december)
    assert f"from a baseline of 231, the target for 2010/11 is now {target} (illustrative)" in text
    assert "The lead is Kent Biodiversity Action Partnership." in text
    status = next(c for c in changes if c["ni"] == 187 and c["kind"] == "status")
    assert f"its status is now '{status['new']} (illustrative)'" in text
    rows = table_after(december, "Table 3: Sport England's sign-ups")
    assert rows[1][:2] == ["Statutory (illustrative)", "NI 8 Adult participation in sport and active recreation"]


def test_the_december_report_says_it_is_illustrative_and_keeps_the_house_styles(december):
    blocks = body(december)
    headings = [b.text for b in blocks if isinstance(b, Paragraph) and b.style.name == "Heading 1"]
    assert headings[:5] == ["1. Introduction", "2. The position on target-setting", "3. What the refresh has changed", "4. Partners", "5. Next steps"]
    assert headings[5] == "6. Recommendations"
    first = next(b for b in blocks if isinstance(b, Paragraph) and b.style.name == "Normal" and b.text.startswith("This is"))
    assert first.text.startswith("This is an illustrative report.") and first.runs[0].bold
    assert [b.text for b in blocks if isinstance(b, Paragraph) and b.style.name == "Heading 2"] == ["Biodiversity", "Fuel poverty"]
    assert sum(1 for b in blocks if isinstance(b, Paragraph) and b.style.name == "List Bullet") == 3
    tables = [b for b in blocks if isinstance(b, Table)]
    assert tables and all(t.style.name == "KA2 Table" for t in tables)
    text = text_of(december)
    assert "{{" not in text and "{%" not in text and "seed" not in text.replace("(figure not in the seeds)", "")


def test_the_example_body_is_what_its_script_writes():
    """The Word body is reproducible: the script gives the shipped file's bytes."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_example_report
    finally:
        sys.path.pop(0)
    assert make_example_report.make() == EXAMPLE_BODY.read_bytes()


# --- caught before the build --------------------------------------------------------


def _edit_body(data: Path, old: str, new: str) -> Path:
    path = data / "reports" / EXAMPLE_BODY.name
    document = docx.Document(path)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
                document.save(path)
                return path
    raise AssertionError(f"{old!r} not in the body")


def test_validate_catches_a_misspelt_name_in_a_word_body_by_paragraph(data_copy):
    path = _edit_body(data_copy, "As at {{ as_at_long }}", "As at {{ as_at_lng }}")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert f"{path}:5: paragraph 5 'As at {{{{ as_at_lng }}}}, ...': unknown name 'as_at_lng'; did you mean 'as_at_long'? (allowed: agreement, area, as_at," in result.stderr
    assert "undefined" not in result.stderr and "Traceback" not in result.stderr
    # The guide shows this very message for this paragraph.
    assert "kcc-cabinet-2008-12-15.docx:5: paragraph 5 'As at {{ as_at_long }}, ...': unknown name 'as_at_lng'; did you mean 'as_at_long'?" in GUIDE.read_text(encoding="utf-8")


def test_validate_catches_an_unknown_key_and_table_with_a_near_miss(data_copy):
    path = _edit_body(data_copy, "{{ counts['agreed'] }} of the", "{{ counts['agree'] }} of the")
    _edit_body(data_copy, "table('changes', since='2008-05-30')", "table('chnages', since='2008-05-30')")
    _edit_body(data_copy, "{{ indicator(197).baseline }}", "{{ indicator(197).baselin }} {{ indicator(999) }}")
    result = run_cli("validate", "--data", str(data_copy))
    assert result.returncode == 2
    err = result.stderr
    assert f"{path}:5: paragraph 5 'As at {{{{ as_at_long }}}}, ...': counts has no 'agree'; did you mean 'agreed'? (allowed: counts['after-deadline'], counts['agreed'], counts['dcsf-annual'], counts['under-discussion'])" in err
    assert f"{path}:10: paragraph 10 '{{{{p table('chnages', since='2008-05-30') }}}}': unknown table 'chnages'; did you mean 'changes'? (allowed: position_summary, submission, changes," in err
    assert "indicator(197) has no 'baselin'; did you mean 'baseline'? (allowed: ni, title, name, baseline, targets," in err
    assert "dict object" not in err and "undefined" not in err and "Traceback" not in err


def test_a_yaml_narrative_misspelling_is_caught_by_validate_not_only_build(data_copy):
    narrative = data_copy / "reports" / "tmbc-cabinet-2008-11-19.yaml"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("{{ years | words }}", "{{ counts['agree'] }}"), encoding="utf-8")
    line = next(n for n, text in enumerate(narrative.read_text(encoding="utf-8").splitlines(), start=1) if "counts['agree']" in text)
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")  # before the report's own date too
    assert result.returncode == 2
    assert re.search(rf"{re.escape(str(narrative))}:\d+: sections\[1\]\.paragraphs\[1\]: counts has no 'agree'; did you mean 'agreed'\?", result.stderr)
    assert line >= int(re.search(r"yaml:(\d+):", result.stderr).group(1))  # the paragraph's first line, at or above the word
    assert "dict object" not in result.stderr


def test_a_word_body_that_is_not_safe_or_not_word_is_refused(data_copy):
    reports = data_copy / "reports"
    yaml_file = reports / "kcc-cabinet-2008-12-15.yaml"
    cases = {
        "../agreement.yaml": "is not a Word file in the reports folder",
        "missing.docx": "'missing.docx' is not in the reports folder",
    }
    for body_name, message in cases.items():
        yaml_file.write_text(re.sub(r"body: .*", f"body: {body_name}", yaml_file.read_text(encoding="utf-8")), encoding="utf-8")
        result = run_cli("validate", "--data", str(data_copy))
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert f"{yaml_file}:" in result.stderr
    yaml_file.write_text(re.sub(r"body: .*", "body: kcc-cabinet-2008-12-15.docx", yaml_file.read_text(encoding="utf-8")), encoding="utf-8")
    (reports / EXAMPLE_BODY.name).write_text("not a zip", encoding="utf-8")
    result = run_cli("validate", "--data", str(data_copy))
    assert result.returncode == 2 and "kcc-cabinet-2008-12-15.docx: cannot open it" in result.stderr


def test_a_word_body_with_entities_a_bomb_or_a_typed_table_is_refused(tmp_path, monkeypatch):
    import zipfile

    from ka2docs.data import word_body

    def write(name: str, document: bytes) -> None:
        with zipfile.ZipFile(tmp_path / name, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", document)

    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    write("entities.docx", b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaa">]><w:document ' + ns + b"><w:body/></w:document>")
    write("table.docx", b"<w:document " + ns + b"><w:body><w:p><w:pPr><w:pStyle w:val='Heading1'/></w:pPr><w:r><w:t>A</w:t></w:r></w:p><w:tbl/></w:body></w:document>")
    write("big.docx", b"<w:document " + ns + b"><w:body>" + b"<w:p/>" * 5000 + b"</w:body></w:document>")
    monkeypatch.setattr(word_body, "MAX_PART", 20_000)  # the bomb: 30 kB inflated from a few hundred bytes
    found = {}
    for name in ("entities.docx", "table.docx", "big.docx"):
        problems: list = []
        word_body.read_body(tmp_path, name, "data/reports", problems, ("data/reports/x.yaml", 3))
        found[name] = " ".join(str(p) for p in problems)
    assert "declares a DTD or entities" in found["entities.docx"]
    assert "a table typed in Word (allowed: a table from the data" in found["table.docx"]
    assert "word/document.xml inflates to 0 MB (allowed: up to 0 MB)" in found["big.docx"] or "inflates" in found["big.docx"]


# --- the YAML route and the guide ---------------------------------------------------


def guide_yaml() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return re.search(r"```yaml\n(template:.*?)```", text, re.DOTALL).group(1)


def test_the_guides_worked_example_builds_with_its_changes_table_and_indicator(data_copy, tmp_path):
    from ka2docs.documents.narrative_guide import EXAMPLE_NAME

    (data_copy / "reports" / f"{EXAMPLE_NAME}.yaml").write_text(guide_yaml(), encoding="utf-8")
    assert run_cli("validate", "--data", str(data_copy)).returncode == 0
    result = run_cli("build", "--data", str(data_copy), "--as-at", "2009-01-19", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    report = tmp_path / "out" / "reports" / f"{EXAMPLE_NAME}.docx"
    changes = cli_json("changes", "--data", str(data_copy), "--since", "2008-05-30", "--as-at", "2009-01-16")
    rows = [r for r in table_after(report, "Table 2: what changed since the submission")[1:] if r[1]]
    assert len(rows) == len(changes)
    status = cli_json("status", "--data", str(data_copy), "--as-at", "2009-01-16")
    text = text_of(report)
    target = next(c["new"] for c in changes if c["ni"] == 197 and c["kind"] == "target")
    assert f"2010/11 target of {target} (illustrative) from a baseline of 231." in text
    assert f"settled {sum(1 for c in changes if c['kind'] == 'status')} statuses" in text
    assert "the last report to Cabinet spoke for 12 December 2008." in text  # previous: the December report, later than the submission
    table = table_after(report, "Table 1: the position on target-setting")
    assert ["Total", str(status["indicators"])] in table


def test_the_guides_validate_message_is_what_validate_says(data_copy):
    from ka2docs.documents.narrative_guide import EXAMPLE_NAME

    path = data_copy / "reports" / f"{EXAMPLE_NAME}.yaml"
    path.write_text(guide_yaml().replace("{{ counts['agreed'] }} of the", "{{ counts['agree'] }} of the"), encoding="utf-8")
    result = run_cli("validate", "--data", str(data_copy))
    assert result.returncode == 2
    documented = re.search(r"# (data/reports/\S+: summary: .*?) \(allowed", GUIDE.read_text(encoding="utf-8")).group(1)
    assert documented.replace("data/reports/", f"{data_copy}/reports/") in result.stderr


def test_a_yaml_changes_table_defaults_to_the_councils_previous_report_or_the_submission(data_copy, tmp_path):
    from ka2docs.documents.narrative_guide import EXAMPLE_NAME

    text = guide_yaml().replace("        since: 2008-05-30\n", "").replace("as_at: 2009-01-16", "as_at: 2008-06-30")
    text = text.replace("- table: position_summary", "- table: signups\n        indicator: 197\n        caption: \"Table 3: partners\"\n      - table: position_summary")
    (data_copy / "reports" / f"{EXAMPLE_NAME}.yaml").write_text(text, encoding="utf-8")
    result = run_cli("build", "--data", str(data_copy), "--as-at", "2009-01-19", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    report = tmp_path / "out" / "reports" / f"{EXAMPLE_NAME}.docx"
    rows = table_after(report, "Table 2:")
    assert rows[0][2] == "At 30/05/08"  # the submission: later than the council's May report
    changes = cli_json("changes", "--data", str(data_copy), "--since", "2008-05-30", "--as-at", "2008-06-30")
    assert len([r for r in rows[1:] if r[1]]) == len(changes) == 2
    partners = table_after(report, "Table 3: partners")
    assert partners[1][:2] == ["Lead", "Kent Biodiversity Action Partnership"]
    assert ["Statutory (illustrative)", "Natural England", ""] in partners


def test_the_guide_is_generated_and_lists_every_name_and_table():
    from ka2docs.data.load import load
    from ka2docs.documents import narrative_guide, narrative_names
    from ka2docs.documents.narrative_tables import TABLES
    from ka2docs.documents.reports import report_figures
    from ka2docs.history import position

    data = load(DATA)
    text = GUIDE.read_text(encoding="utf-8")
    assert text == narrative_guide.guide(data), "docs/writing-reports.md is stale: run scripts/make_writing_guide.py"
    report = narrative_names.sample_report(data, None, narrative_guide.SAMPLE_REPORT)
    figures = report_figures(report, position(data, report.as_at))
    for name, value in figures.items():
        assert f"`{{{{ {name}" in text, name
        if isinstance(value, dict):
            for key in value:
                assert f"{name}.{key}" in text or f"{name}['{key}']" in text, f"{name}.{key}"
    for name in TABLES:
        assert f"| `{name}` |" in text
    assert "| `{{ counts['agreed'] }}` | indicators of the negotiated set with each negotiation status: Baseline / Targets agreed between Kent partners and agreed with GOSE | 14 |" in text


def test_ka2docs_names_prints_the_same_names_as_the_guide():
    result = run_cli("names", "--report", "kcc-cabinet-2008-12-15")
    assert result.returncode == 0, result.stderr
    guide_names = re.findall(r"^\| `\{\{ (.+?) \}\}` \|", GUIDE.read_text(encoding="utf-8"), re.MULTILINE)
    printed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ") and not line.startswith("      ")]
    assert [n.split()[0] for n in guide_names] == printed[: len(guide_names)]
    assert re.search(r"^  counts\['agreed'\]\s+14\s", result.stdout, re.MULTILINE)
    for table in ("changes", "refresh", "signups", "local_action_plan", "position_summary", "submission", "relevance"):
        assert f"\n  {table}: " in result.stdout
    other_day = run_cli("names", "--as-at", "2008-05-01")  # the latest report by then: the county report
    assert "as report kcc-county-council-2008-05-15 sees them, as at 2008-05-01" in other_day.stdout
    assert re.search(r"^  counts\['agreed'\]\s+2\s", other_day.stdout, re.MULTILINE)


def test_a_tag_word_split_across_runs_and_bold_text_are_read_as_written(tmp_path):
    """Word splits text into runs anywhere (spell-check marks, edits); a tag split so, half bold, still fills."""
    from ka2docs.data import word_body

    document = docx.Document()
    document.add_paragraph("Section", style="Heading 1")
    paragraph = document.add_paragraph()
    paragraph.add_run("Agreed: ").bold = True
    paragraph.add_run("{{ counts[")
    paragraph.add_run("'agreed'] }}").bold = True
    paragraph.add_run(" of\tall")
    document.add_paragraph("{{p table('changes', ", style="Normal").add_run("since='2008-05-30') }}")
    document.add_paragraph("Table 1: changes", style="Caption")
    document.save(tmp_path / "body.docx")
    problems: list = []
    sections = word_body.read_body(tmp_path, "body.docx", "data/reports", problems, ("data/reports/x.yaml", 3))
    assert problems == []
    (section,) = sections
    assert section.heading.source == "Section"
    text, table = section.blocks
    assert text.texts[0].source == "**Agreed: **{{ counts['agreed'] }} of\tall"
    assert (text.texts[0].file, text.texts[0].line) == ("data/reports/body.docx", 2)
    assert (table.kind, table.table, table.options, table.caption.source) == ("table", "changes", {"since": "2008-05-30"}, "Table 1: changes")


@pytest.mark.parametrize(("written", "message"), [
    ("{{ indicator }}", "indicator needs its arguments (allowed: indicator(197))"),
    ("{{ indicator() }}", "indicator was called wrongly (allowed: indicator(197))"),
    ("{{ indicator(9999) }}", "NI 9999 is not in the agreement as at 12 December 2008 (allowed: 163, 171,"),
    ("{{ indicator(197).targets['10/12'] }}", "indicator(197).targets has no '10/12'; did you mean '10/11'? (allowed: indicator(197).targets['08/09'],"),
    ("{{ refresh }}", "refresh is a group of figures (allowed: refresh.label, refresh.date,"),
    ("{{ refresh.change }}", "refresh has no 'change'; did you mean 'changes'? (allowed: refresh.baselines,"),
    ("{{ reward.estimat }}", "reward has no 'estimat'; did you mean 'estimate'? (allowed: reward.estimate, reward.national_pot,"),
    ("{{ table('changes') }} in a sentence", "a table goes in a paragraph of its own"),
    ("{{ as_at_lon }}", "unknown name 'as_at_lon'; did you mean 'as_at_long'? (allowed: agreement, area, as_at,"),
])
def test_a_wrong_figure_is_told_in_the_users_words(written, message):
    from ka2docs.data.load import load
    from ka2docs.data.narrative import Filler, Text
    from ka2docs.documents.reports import report_figures
    from ka2docs.history import position

    data = load(DATA)
    report = next(r for r in data.reports if r.id == "kcc-cabinet-2008-12-15")
    fill = Filler(report_figures(report, position(data, report.as_at)))
    assert fill(Text(written, "data/reports/x.yaml", 7, "summary")) == ""
    (problem,) = fill.problems
    assert str(problem).startswith(f"data/reports/x.yaml:7: summary: {message}"), str(problem)
    assert not re.search(r"undefined|dict object|positional argument|<function", str(problem))


def test_a_part1_changes_table_shows_a_restricted_status_move_but_never_its_words(data_copy, tmp_path):
    secret = "EXEMPT-NEGOTIATING-LINE"
    with open(data_copy / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.write(f"2008-12-11,163,agreed,Agreed on terms {secret},yes,Exempt: {secret} reason,illustrative-history\n")
    result = run_cli("build", "--data", str(data_copy), "--as-at", "2008-12-19", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    report = tmp_path / "out" / EXAMPLE
    rows = table_after(report, "Table 2: changes between the submission")
    moved = [r for r in rows if r[0].startswith("NI 163 ") and r[1] == "status"]
    assert moved and moved[0][3] == "Agreed with GOSE (illustrative)" and moved[0][5] == ""
    import zipfile

    with zipfile.ZipFile(report) as archive:
        assert not any(secret in archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
