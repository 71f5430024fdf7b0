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
    bulletins = sorted((d["path"], d["kind"], d["format"]) for d in manifest["documents"] if d["path"].startswith("bulletins/"))
    assert bulletins == [
        (f"bulletins/bulletin-0{n}{suffix}", kind, fmt)
        for n in (1, 2)
        for suffix, kind, fmt in (("-submission.xlsx", "submission", "xlsx"), (".docx", "bulletin", "docx"), (".eml", "bulletin", "eml"), (".html", "bulletin", "html"))
    ]
    assert sorted(p.name for p in (mid_june / "bulletins").glob("*.docx")) == [f"bulletin-0{n}.docx" for n in range(1, 5)]


def test_no_bulletin_before_the_first_one(may_build):
    assert not (may_build / "bulletins").exists()


# --- what an officer writes: greeting, news, contact, sign-off ------------------------------


def test_a_bulletin_greets_brings_the_news_and_signs_off(mid_may):
    path = mid_may / "bulletins" / "bulletin-02.docx"
    texts = [t for _, t in paragraphs(path)]
    assert texts[1] == "Dear colleagues,"
    assert texts[2].startswith("This is bulletin 2 (illustrative) of Kent Agreement 2 from the Kent Partnership office.")
    news = section(path, "News")
    assert len(news) == 1 and news[0].startswith("Sign-off of the submission. The report to County Council on 15 May recommended")
    contact = section(path, "Contact")
    assert contact[0] == (
        "Questions about this bulletin, or news for the next one: please contact the Kent Partnership office "
        "at kentpartnership@kent.gov.uk or on 01622 694022."
    )
    assert contact[1] == "With best wishes,\nKent Agreement Manager\nKent Partnership office"


def test_illustrative_news_is_marked_and_said_once(build_at):
    path = build_at("2008-12-19") / "bulletins" / "bulletin-17.docx"
    news = section(path, "News")
    assert news == [("No bulletin on 26 December (illustrative). This is the last bulletin of 2008: the next fortnightly date falls on Boxing Day. "
                     "The next bulletin will follow in January with the outcome of the refresh.")]
    text = "\n".join(t for _, t in paragraphs(path))
    assert text.count("Illustrative: values marked (illustrative)") == 1
    # A real news item is not marked: bulletin 16's comes from the Tonbridge & Malling Cabinet paper.
    real = section(build_at("2008-12-19") / "bulletins" / "bulletin-16.docx", "News")
    assert real[0].startswith("Tonbridge and Malling Local Action Plan. ")
    assert "Tonbridge & Malling Borough Council, Cabinet, 19 November 2008: Kent Agreement - Local Action Plan for Tonbridge and Malling" in section(
        build_at("2008-12-19") / "bulletins" / "bulletin-16.docx", "Sources")


def test_no_word_of_the_tool_in_any_bulletin(build_at):
    out = build_at("2008-12-19")
    tool = re.compile(r"seed|ka2docs|illustrative-|\.csv|\.yaml|rows written", re.IGNORECASE)
    files = sorted(p for p in (out / "bulletins").iterdir() if p.suffix in (".docx", ".html"))
    assert len(files) == 34
    for path in files:
        text = "\n".join(t for _, t in paragraphs(path)) if path.suffix == ".docx" else re.sub(r'src="data:[^"]+"', "", all_text(path))
        assert not tool.search(text), f"{path.name}: {tool.search(text).group(0)!r}"
    assert "seed-003" not in all_text(out / "bulletins" / "bulletin-02.docx")  # headers, footers and properties too


# --- the position and how it moved ---------------------------------------------------


def test_status_counts_and_their_movement(mid_may, mid_june):
    first = tables(mid_may / "bulletins" / "bulletin-01.docx")["Position on target-setting"]
    assert first == [[AGREED, "2"], [DISCUSSING, "23"], [AFTER, "10"], ["Total", "35"], [DCSF, "(16)"]]  # as first recorded: no change column
    second = tables(mid_may / "bulletins" / "bulletin-02.docx")["Position on target-setting"]
    assert second == [
        [AGREED, "3 (illustrative)", "+1"], [DISCUSSING, "22 (illustrative)", "-1"], [AFTER, "10", "no change"], ["Total", "35", "no change"], [DCSF, "(16)", "no change"],
    ]
    assert section(mid_may / "bulletins" / "bulletin-02.docx", "Position on target-setting")[0] == (
        "Since bulletin 1 of 2 May 2008: Agreed with GOSE 3 (illustrative), up 1; Under discussion with GOSE - not yet agreed 22 (illustrative), down 1."
    )
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


def changes(path: Path) -> dict[str, list[str]]:
    """The 'what changed' section's sentences, by the kind heading they stand under."""
    out, kind, inside = {}, None, False
    for style, text in paragraphs(path):
        if style == "Heading 2":
            inside = text.startswith(("What changed", "The position as first recorded"))
        elif inside and style == "Heading 3":
            kind = text
        elif inside and kind and style == "List Bullet":
            out.setdefault(kind, []).append(text)
    return out


def test_what_changed_is_told_in_sentences_grouped_by_kind(mid_may, mid_june):
    assert changes(mid_may / "bulletins" / "bulletin-02.docx") == {"Negotiation status": [
        ("NI 120 All-age all cause mortality rate – Agreed with GOSE (illustrative) (was: Under discussion with GOSE - not yet agreed). "
         "GOSE accepted the recalculated data it was waiting for."),
    ]}
    third = changes(mid_june / "bulletins" / "bulletin-03.docx")
    assert list(third) == ["Negotiation status", "Targets", "Partners signing up"]
    assert [s.split(" – ")[0] for s in third["Negotiation status"]] == [
        "NI 186 Per capita CO2 emissions in the LA area", "NI 189 Flood and coastal erosion risk management",
        "NI 188 Planning to Adapt to Climate Change", "NI 197 Improved Local Biodiversity",
    ]
    assert third["Targets"][0].rsplit(" – ", 1)[1].startswith("10/11 target: 265 (+15%) (illustrative) (was: 265 (+15%) Discussing whether")
    assert third["Partners signing up"][0].endswith("– Natural England signed up as statutory (illustrative) partner. Signed up in the final weeks before the submission.")
    assert "7 changes since bulletin 2 of 16 May 2008, by kind:" in section(mid_june / "bulletins" / "bulletin-03.docx", "What changed since bulletin 2 of 16 May 2008")
    assert "Date" not in tables(mid_june / "bulletins" / "bulletin-03.docx")  # sentences, not a table dump


def test_a_change_after_the_submission_reaches_the_next_bulletin(mid_june):
    fourth = changes(mid_june / "bulletins" / "bulletin-04.docx")
    assert list(fourth) == ["Partners signing up"]
    [sentence] = fourth["Partners signing up"]
    assert sentence.startswith("NI 8 ") and sentence.endswith(
        "– Sport England signed up as statutory (illustrative) partner. Signed up after the submission and before Ministers' approval.")


def test_a_quiet_fortnight_says_so(build_at):
    path = build_at("2008-12-19") / "bulletins" / "bulletin-06.docx"
    assert changes(path) == {}
    assert section(path, "What changed since bulletin 5 of 27 June 2008") == ["Nothing has changed since bulletin 5 of 27 June 2008."]
    assert section(path, "Position on target-setting")[0] == "No indicator has moved since bulletin 5 of 27 June 2008."


def test_the_first_bulletin_gives_the_position_as_first_recorded(mid_may):
    path = mid_may / "bulletins" / "bulletin-01.docx"
    text = "\n".join(t for _, t in paragraphs(path))
    assert "371 changes" not in text and "had nothing recorded" not in text and "+23" not in text
    assert section(path, "The position as first recorded")[0].startswith("This is the first bulletin with the agreement's records, so it sets out the position as first recorded, as at 2 May 2008")
    first = changes(path)
    assert first["In figures"] == [
        "The agreement holds 35 'Up to 35' indicators in 8 themes and 16 Statutory DCSF education and early years indicators.",
        "A baseline is recorded for 35 of the 51 indicators and at least one target for 33.",
        "36 partners have signed up to at least one indicator: 215 sign-ups in all (39 lead, 137 statutory, 39 non-statutory).",
    ]
    assert [s.split(" (replaces")[0].split(" Previously")[0] for s in first["Indicators added or removed"]] == ["NI 159 Supply of ready to develop housing sites", "NI 170"]


def test_deadlines_ahead_and_the_attached_submission(mid_may):
    path = mid_may / "bulletins" / "bulletin-02.docx"
    assert section(path, "Deadlines ahead") == [
        "30 May 2008: Submission to GOSE: deadline",
        "30 June 2008: Ministers' approval of Kent Agreement 2 (expected before the end of June)",
        "1 September 2008: Place Survey conducted (September 2008)",
    ]
    assert section(path, "The draft submission") == ["The current draft submission template, with the position as at 16 May 2008, is attached."]


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
    assert texts[0] == "Kent Agreement 2 bulletin 2 (illustrative): 16 May 2008"
    [note] = [t for t in texts if "illustrative schedule" in t]
    assert note.startswith("Illustrative: values marked (illustrative)") and note.endswith("This bulletin's number and date come from an illustrative schedule, not a real one.")


def test_the_print_copy_has_its_marking_and_page_x_of_y(mid_may):
    with zipfile.ZipFile(mid_may / "bulletins" / "bulletin-02.docx") as archive:
        header = archive.read("word/header1.xml").decode()
        footer = archive.read("word/footer1.xml").decode()
    assert ">Unrestricted<" in header
    assert "Kent Agreement 2 bulletin 2, 16 May 2008" in footer and "Page " in footer and " of " in footer
    assert re.search(r'w:instr="\s*PAGE\s*".*w:instr="\s*NUMPAGES\s*"', footer)


def test_a_row_dated_after_the_as_at_date_never_appears(mid_may):
    later = [
        "Kent and GOSE settled",  # NI 197, 29 May
        "Level 3 by 2010/11 agreed with GOSE",  # NI 188, 28 May
        "Signed up in the final weeks",  # sign-ups, 23 and 27 May
        "Designated for the Performance Reward Grant",  # 27 June
        "Place Survey 2008 results",  # the December refresh
        "bulletin-03",
        "goes to the Government Office for the South East today",  # bulletin 3's news, 30 May
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
    # The same words as the Word copy: the greeting, the change sentence, the counts, the contact.
    assert "<p style=\"margin:0 0 8px 0;\">Dear colleagues,</p>" in html
    assert "NI 120 All-age all cause mortality rate – Agreed with GOSE (illustrative) (was: Under discussion with GOSE - not yet agreed)." in html
    assert "3 (illustrative)" in html and "kentpartnership@kent.gov.uk" in html


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
    [sentence] = [s for s in changes(awkward_build / "bulletins" / "bulletin-02.docx")["Negotiation status"] if s.startswith("NI 191 ")]
    assert sentence.endswith("– the note now reads: <b>Watch</b> & <script>x</script> see.")


def test_restricted_commentary_never_reaches_a_bulletin(awkward_build):
    names = sorted(p.name for p in (awkward_build / "bulletins").iterdir())
    assert "bulletin-02.eml" in names
    for path in (awkward_build / "bulletins").iterdir():
        assert MARKER not in all_text(path), path.name
    # The status move itself is public, as in the Part 1 submission; its reason is not.
    status = changes(awkward_build / "bulletins" / "bulletin-02.docx")["Negotiation status"]
    assert any(s.startswith("NI 55 ") and s.endswith("– Under discussion with GOSE - not yet agreed (was: Agreed with GOSE).") for s in status), status


# --- the same inputs, the same bytes -------------------------------------------------------


def test_two_builds_give_byte_identical_bulletins(mid_may, tmp_path):
    result = run_cli("build", "--as-at", "2008-05-16", "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.relative_to(mid_may) for p in (mid_may / "bulletins").iterdir())
    assert len(names) == 8  # two bulletins: Word, HTML, e-mail and the draft submission each
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (mid_may / name).read_bytes(), name
