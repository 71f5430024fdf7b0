"""The fortnightly bulletins: each due bulletin as Word, as self-contained HTML, with its submission."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA, TEMPLATES, run_cli
from docx import Document

AGREED = "Baseline / Targets agreed between Kent partners and agreed with GOSE"
DISCUSSING = "Baseline / Targets agreed between Kent partners, still under discussion with GOSE, with expectation that agreement will be reached by 30 May"
AFTER = "Unlikely to be agreed until after 30/05/08"
DCSF = "16 Statutory DCSF Targets to be Agreed"  # the set's own wording, as the county report's table and `status` print it
MARKER = "BULLETINSECRET8K"


@pytest.fixture(scope="module")
def mid_may(build_at) -> Path:
    return build_at("2008-05-16")


@pytest.fixture(scope="module")
def mid_june(build_at) -> Path:
    return build_at("2008-06-13")


def tables(path: Path) -> dict[str, list[list[str]]]:
    """Each table of a Word file by its first header cell: the rows under the header."""
    return {t.rows[0].cells[0].text: [[c.text for c in row.cells] for row in t.rows[1:]] for t in Document(path).tables}


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(path).paragraphs]


def section(path: Path, heading: str) -> list[str]:
    """The paragraphs between a heading and the next heading."""
    out, inside = [], False
    for style, text in paragraphs(path):
        if style.startswith("Heading"):
            inside = text == heading
        elif inside:
            out.append(text)
    return out


def all_text(path: Path) -> str:
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8", errors="replace")


# --- which bulletins ----------------------------------------------------------------


def test_every_bulletin_due_by_the_as_at_date_is_written(mid_may, mid_june):
    manifest = json.loads((mid_may / "manifest.json").read_text())
    bulletins = sorted((d["path"], d["kind"]) for d in manifest["documents"] if d["path"].startswith("bulletins/"))
    assert bulletins == [
        ("bulletins/bulletin-01-submission.xlsx", "submission"), ("bulletins/bulletin-01.docx", "bulletin"), ("bulletins/bulletin-01.html", "bulletin"),
        ("bulletins/bulletin-02-submission.xlsx", "submission"), ("bulletins/bulletin-02.docx", "bulletin"), ("bulletins/bulletin-02.html", "bulletin"),
    ]
    assert sorted(p.name for p in (mid_june / "bulletins").glob("*.docx")) == [f"bulletin-0{n}.docx" for n in range(1, 5)]


def test_no_bulletin_before_the_first_one(may_build):
    assert not (may_build / "bulletins").exists()


# --- the position and how it moved ---------------------------------------------------


def test_status_counts_and_their_movement(mid_may, mid_june):
    first = tables(mid_may / "bulletins" / "bulletin-01.docx")["Position on target-setting"]
    assert first == [
        [AGREED, "2", "+2"], [DISCUSSING, "23", "+23"], [AFTER, "10", "+10"], ["Total", "35", "no change"], [DCSF, "(16)", "no change"],
    ]
    second = tables(mid_may / "bulletins" / "bulletin-02.docx")["Position on target-setting"]
    assert second == [
        [AGREED, "3 (illustrative)", "+1"], [DISCUSSING, "22 (illustrative)", "-1"], [AFTER, "10", "no change"], ["Total", "35", "no change"], [DCSF, "(16)", "no change"],
    ]
    third = tables(mid_june / "bulletins" / "bulletin-03.docx")["Position on target-setting"]
    assert third[:3] == [[AGREED, "7 (illustrative)", "+4"], [DISCUSSING, "18 (illustrative)", "-4"], [AFTER, "10", "no change"]]
    header = Document(mid_june / "bulletins" / "bulletin-03.docx").tables[0].rows[0].cells
    assert [c.text for c in header] == ["Position on target-setting", "As at 30/05/08", "Change since 16/05/08"]


def test_the_counts_agree_with_the_status_command(mid_june):
    result = run_cli("status", "--as-at", "2008-06-13", "--json")
    position = json.loads(result.stdout)
    counts = position["counts"]
    rows = tables(mid_june / "bulletins" / "bulletin-04.docx")["Position on target-setting"]
    assert [int(r[1].split()[0]) for r in rows[:3]] == [counts["agreed"], counts["under-discussion"], counts["after-deadline"]]
    # The same counts are marked illustrative in both: the status command says so too.
    marked = [code for code, row in zip(("agreed", "under-discussion", "after-deadline"), rows[:3]) if "(illustrative)" in row[1]]
    assert marked and position["illustrative"] == marked
    text = run_cli("status", "--as-at", "2008-06-13").stdout
    assert f"{counts['agreed']} (illustrative)  {AGREED}" in text and "labelled illustrative" in text


# --- what changed ---------------------------------------------------------------------


def test_what_changed_rows_come_from_the_changes_engine(mid_may, mid_june):
    second = tables(mid_may / "bulletins" / "bulletin-02.docx")["Date"]
    assert second == [[
        "14/05/08", "NI 120", "status", "Under discussion with GOSE - not yet agreed", "Agreed with GOSE (illustrative)",
        "GOSE accepted the recalculated data it was waiting for",
    ]]
    third = tables(mid_june / "bulletins" / "bulletin-03.docx")["Date"]
    assert [(r[0], r[1], r[2]) for r in third] == [
        ("21/05/08", "NI 186", "status"),
        ("22/05/08", "NI 189", "status"),
        ("23/05/08", "NI 197", "sign-up: Natural England"),
        ("27/05/08", "NI 186", "sign-up: Kent Energy Centre/Kent Energy Efficiency Partnership"),
        ("28/05/08", "NI 188", "status"),
        ("29/05/08", "NI 197", "status"),
        ("29/05/08", "NI 197", "target 10/11"),
    ]
    assert third[-1][3].startswith("265 (+15%) Discussing whether") and third[-1][4] == "265 (+15%) (illustrative)"
    assert "7 changes since 16 May 2008: 4 status changes, 2 sign-ups, 1 target." in section(mid_june / "bulletins" / "bulletin-03.docx", "What changed since the last bulletin")


def test_a_change_after_the_submission_reaches_the_next_bulletin(mid_june):
    rows = tables(mid_june / "bulletins" / "bulletin-04.docx")["Date"]
    assert rows == [["11/06/08", "NI 8", "sign-up: Sport England", "(none)", "Statutory (illustrative)", "Signed up after the submission and before Ministers' approval"]]


def test_a_quiet_fortnight_says_so(build_at):
    path = build_at("2008-12-19") / "bulletins" / "bulletin-06.docx"
    assert "Date" not in tables(path)
    assert section(path, "What changed since the last bulletin") == ["No changes have been recorded since 27 June 2008."]


def test_the_first_bulletin_summarises_indicators_first_recorded(mid_may):
    path = mid_may / "bulletins" / "bulletin-01.docx"
    switch = tables(path)["Date"]
    assert [(r[1], r[2]) for r in switch] == [("NI 159", "indicator added"), ("NI 170", "indicator removed")]
    firsts = tables(path)["Indicator"]
    assert len(firsts) == 51
    assert firsts[0] == [
        "NI 163 Proportion of population aged 19-64 for males and 19-59 for females qualified to at least Level 2 or higher",
        "Under discussion with GOSE - not yet agreed", "1 baseline and 1 target", "9 partners (lead: Learning and Skills Council)",
    ]
    assert "51 indicators had nothing recorded on 18 April 2008" in " ".join(section(path, "What changed since the last bulletin"))


def test_deadlines_ahead_and_the_attached_submission(mid_may):
    path = mid_may / "bulletins" / "bulletin-02.docx"
    assert section(path, "Deadlines ahead") == [
        "30 May 2008: Submission to GOSE: deadline",
        "30 June 2008: Ministers' approval of Kent Agreement 2 (expected before the end of June)",
        "1 September 2008: Place Survey conducted (September 2008)",
    ]
    assert section(path, "The draft submission")[0] == (
        "The current draft submission template, with the position as at 16 May 2008, is attached: bulletin-02-submission.xlsx."
    )


def test_each_bulletin_carries_the_submission_of_its_own_date(mid_may):
    def ni_120_status(path: Path) -> tuple[str, str]:
        sheet = openpyxl.load_workbook(path).active
        row = next(r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("NI 120 "))
        return sheet["A2"].value, row[9]

    first = ni_120_status(mid_may / "bulletins" / "bulletin-01-submission.xlsx")
    second = ni_120_status(mid_may / "bulletins" / "bulletin-02-submission.xlsx")
    assert first == ("Kent Local Area Agreement 2008-11 - position as at 2 May 2008", "Under discussion with GOSE - not yet agreed")
    assert second == ("Kent Local Area Agreement 2008-11 - position as at 16 May 2008", "Agreed with GOSE (illustrative)")


def test_illustrative_numbering_and_values_are_said_to_be_illustrative(mid_may):
    texts = [t for _, t in paragraphs(mid_may / "bulletins" / "bulletin-02.docx")]
    assert any("Bulletin number 2 (illustrative)" in t for t in texts)
    assert "Illustrative: this bulletin's number and date come from an illustrative schedule (source: illustrative-bulletins)." in texts
    assert any(t.startswith("Illustrative: values marked (illustrative)") for t in texts)


def test_a_row_dated_after_the_as_at_date_never_appears(mid_may):
    later = [
        "Kent and GOSE settled",  # NI 197, 29 May
        "Level 3 by 2010/11 agreed with GOSE",  # NI 188, 28 May
        "Signed up in the final weeks",  # sign-ups, 23 and 27 May
        "Designated for the Performance Reward Grant",  # 27 June
        "Place Survey 2008 results",  # the December refresh
        "bulletin-03",
    ]
    files = [p for p in mid_may.rglob("*") if p.is_file() and p.suffix in (".docx", ".xlsx", ".html", ".json")]
    assert len(files) > 6
    for path in files:
        text = all_text(path)
        for phrase in later:
            assert phrase not in text, f"{phrase!r} (dated after 16 May 2008) is in {path.relative_to(mid_may)}"


# --- the chart ------------------------------------------------------------------------


def test_the_chart_is_an_image_whose_alt_text_states_the_numbers(mid_may):
    path = mid_may / "bulletins" / "bulletin-02.docx"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(images) == 1
    alt = re.search(r'<wp:docPr [^>]*descr="([^"]*)"', xml).group(1)
    assert "bulletin 1 (2 May 2008): 2 Agreed with GOSE, 23 Under discussion with GOSE - not yet agreed, 10 Unable to be agreed until after the end of May" in alt
    assert "bulletin 2 (16 May 2008): 3 Agreed with GOSE, 22 Under discussion with GOSE - not yet agreed, 10 Unable to be agreed until after the end of May (illustrative)" in alt


def test_the_chart_is_deterministic_and_carries_no_software_or_time():
    from ka2docs.layout import chart

    spec = {"title": "t", "categories": ["1\n02/05", "2\n16/05"], "series": [{"label": "a", "values": [1, 2]}, {"label": "b", "values": [3, 1]}], "hatched": [False, True], "hatch_label": "h"}
    first = chart.png(spec)
    chart._DRAWN.clear()
    assert chart.png(spec) == first
    assert first.startswith(b"\x89PNG") and b"tIME" not in first and b"Software" not in first and b"matplotlib" not in first


# --- the HTML copy -----------------------------------------------------------------------


def test_html_is_self_contained_with_an_alt_text_image(mid_may):
    html = (mid_may / "bulletins" / "bulletin-02.html").read_text(encoding="utf-8")
    assert "http:" not in html and "https:" not in html and "<link" not in html and "<script" not in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1
    src = re.search(r'src="data:image/png;base64,([^"]+)"', images[0]).group(1)
    assert base64.b64decode(src).startswith(b"\x89PNG")
    assert re.search(r'alt="Stacked bar chart [^"]*bulletin 2 \(16 May 2008\): 3 Agreed with GOSE', images[0])
    # The same content as the Word copy: the change row, the counts, the attachment.
    assert ">Agreed with GOSE (illustrative)</td>" in html and ">14/05/08</td>" in html
    assert "3 (illustrative)" in html and "bulletin-02-submission.xlsx" in html


@pytest.fixture(scope="module")
def awkward_build(tmp_path_factory):
    """Data with markup in a commentary and a restricted negotiating note: the bulletins as at mid-May."""
    from ka2docs.data.load import load
    from ka2docs.documents import bulletins
    from ka2docs.history import position
    from ka2docs.validate import validate

    root = tmp_path_factory.mktemp("awkward")
    data = root / "data"
    shutil.copytree(DATA, data)
    with open(data / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.write('2008-05-09,191,agreed,"<b>Watch</b> & <script>x</script> see",no,,seed-003\n')
        handle.write(f"2008-05-12,55,under-discussion,Negotiating note {MARKER},yes,Exempt {MARKER},seed-003\n")
    day = dt.date(2008, 5, 16)
    dataset = load(data)
    validate(dataset, day)
    for document in bulletins.documents(position(dataset, day)):  # only the bulletins: the rest of a build is not under test
        target = root / "out" / document.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(document.render(TEMPLATES))
    return root / "out"


def test_html_escapes_the_data(awkward_build):
    html = (awkward_build / "bulletins" / "bulletin-02.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Watch&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt; see" in html
    assert "<b>Watch" not in html and "<script>" not in html
    rows = tables(awkward_build / "bulletins" / "bulletin-02.docx")["Date"]
    assert ["09/05/08", "NI 191", "commentary", "", "<b>Watch</b> & <script>x</script> see", ""] in [[c.replace("(none)", "") for c in r] for r in rows]


def test_restricted_commentary_never_reaches_a_bulletin(awkward_build):
    for path in (awkward_build / "bulletins").iterdir():
        assert MARKER not in all_text(path), path.name
    # The status move itself is public, as in the Part 1 submission; its reason is not.
    rows = tables(awkward_build / "bulletins" / "bulletin-02.docx")["Date"]
    assert ["12/05/08", "NI 55", "status", "Agreed with GOSE", "Under discussion with GOSE - not yet agreed", ""] in rows


# --- the same inputs, the same bytes -------------------------------------------------------


def test_two_builds_give_byte_identical_bulletins(mid_may, tmp_path):
    result = run_cli("build", "--as-at", "2008-05-16", "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.relative_to(mid_may) for p in (mid_may / "bulletins").iterdir())
    assert len(names) == 6
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (mid_may / name).read_bytes(), name
