"""Another area's agreement is another data folder: the fictional unitary Westmere.

examples/westmere/ was written from docs/data-reference.md alone: a single-tier council
with its own sets, statuses, roles and themes, 12 negotiated and 4 statutory education
indicators, no districts, GONW and the marking 'Public'. It must validate, build on three
dates, and carry none of Kent's words or shape into any document.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT, TEMPLATES, run_cli

WESTMERE = ROOT / "examples" / "westmere"
DATES = ("2008-05-01", "2008-06-30", "2008-12-31")
# Kent's words, and the shape of Kent's papers, that no Westmere document may carry.
KENT_WORDS = ("Kent", "GOSE", "DCSF", "district", "Unrestricted", "up to 35", "county")


def kent_row_labels() -> list[str]:
    """The county report's row labels: Kent's statuses and sets as its agreement.yaml words them."""
    import yaml

    agreement = yaml.safe_load((DATA / "agreement.yaml").read_text(encoding="utf-8"))
    labels = [s["label"] for s in agreement["statuses"]] + [s["label"] for s in agreement["sets"]]
    labels += [s.get("summary", "").replace("{count}", "").strip() for s in agreement["sets"] if s.get("summary")]
    return labels


def text_of(path: Path) -> str:
    """Every word a document shows: the XML text of a .docx/.xlsx (all parts), an HTML page's text,
    an e-mail's headers, text parts and attachment names."""
    if path.suffix == ".html":
        return re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    if path.suffix == ".eml":
        from email import policy
        from email.parser import BytesParser

        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        parts = [f"{k}: {v}" for k, v in message.items()]
        parts += [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        parts += [p.get_filename() or "" for p in message.walk()]
        return re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", " ".join(parts)))
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith((".xml", ".rels")))
    return re.sub(r"<[^>]+>", " ", xml)


@pytest.fixture(scope="module")
def westmere_builds(tmp_path_factory) -> dict[str, Path]:
    from ka2docs.build import build

    out = {}
    for day in DATES:
        target = tmp_path_factory.mktemp(f"westmere-{day}") / "output"
        build(WESTMERE, target, TEMPLATES, dt.date.fromisoformat(day), jobs=1)
        out[day] = target
    return out


def documents(folder: Path) -> list[Path]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return [folder / d["path"] for d in manifest["documents"]]


@pytest.mark.parametrize("day", DATES)
def test_westmere_validates_on_each_date(day):
    result = run_cli("validate", "--data", str(WESTMERE), "--as-at", day)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{WESTMERE}: OK as at {day}")
    assert result.stderr == ""  # no warnings: every negotiated indicator has a lead


def test_westmere_builds_what_a_unitary_has_and_nothing_district_shaped(westmere_builds):
    kinds_by_day = {}
    for day, folder in westmere_builds.items():
        manifest = json.loads((folder / "manifest.json").read_text())
        kinds_by_day[day] = sorted({d["kind"] for d in manifest["documents"]})
        assert not any(d["kind"] == "local-action-plan" for d in manifest["documents"])
    assert kinds_by_day["2008-05-01"] == ["committee-report", "matrix", "submission"]
    assert "bulletin" in kinds_by_day["2008-06-30"]
    assert "refresh-schedule" in kinds_by_day["2008-12-31"]  # the refresh is on 24 November
    december = westmere_builds["2008-12-31"]
    assert sorted(p.name for p in (december / "reports").iterdir()) == ["cabinet-2008-05-08.docx", "scrutiny-2008-12-11.docx"]
    with zipfile.ZipFile(december / "matrix.xlsx") as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        names = archive.namelist()
    assert re.findall(r'<sheet [^>]*name="([^"]+)"', workbook) == ["Sign-ups", "Gaps"]
    assert "xl/worksheets/sheet3.xml" not in names


@pytest.mark.parametrize("day", DATES)
def test_every_westmere_document_passes_the_accessibility_checks(westmere_builds, day):
    result = run_cli("check", "--out", str(westmere_builds[day]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every document passes the accessibility checks" in result.stdout


def test_no_westmere_document_carries_kent_words_or_shape(westmere_builds):
    labels = kent_row_labels()
    checked = 0
    for folder in westmere_builds.values():
        for path in documents(folder):
            text = text_of(path)
            for word in KENT_WORDS:
                assert word.lower() not in text.lower(), f"{path.name} carries '{word}'"
            for label in labels:
                assert label not in text, f"{path.name} carries the county report's row '{label}'"
            # Fictional, and labelled so in every document.
            assert "fictional" in text.lower(), path.name
            assert "Public" in text or path.suffix == ".xlsx", path.name
            checked += 1
    assert checked >= 30


def test_the_position_table_words_the_education_block_by_its_own_summary():
    result = run_cli("status", "--data", str(WESTMERE), "--as-at", "2008-05-01", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["indicators"] == 12
    assert status["sets"] == {"education": 4}
    assert status["counts"] == {"settled": 4, "proposed": 6, "held": 2}  # school-process is the education block's own
    education = [r for r in status["rows"] if r["kind"] == "set"]
    assert [r["label"] for r in education] == ["4 statutory education and early years targets, set through the annual school target process"]


def test_a_report_numbered_by_paragraph_numbers_from_its_item(westmere_builds):
    from docx import Document

    report = Document(westmere_builds["2008-12-31"] / "reports" / "scrutiny-2008-12-11.docx")
    texts = [p.text for p in report.paragraphs]
    assert "7\tWESTMERE TOGETHER AGREEMENT - THE AUTUMN REFRESH" in texts
    assert "7.1\tBackground" in texts
    assert not any(t.startswith(".") for t in texts)
    cabinet = Document(westmere_builds["2008-12-31"] / "reports" / "cabinet-2008-05-08.docx")
    body = "\n".join(p.text for p in cabinet.paragraphs)
    # Sets by their codes in the narrative; Westmere's own Government Office and marking.
    assert "four statutory education and early years targets" in body
    assert "Government Office for the North West" in body
    header = "\n".join(p.text for s in cabinet.sections for p in s.header.paragraphs)
    assert "Public" in header


@pytest.fixture
def westmere_copy(tmp_path: Path) -> Path:
    target = tmp_path / "westmere"
    shutil.copytree(WESTMERE, target)
    return target


def test_paragraph_numbering_without_an_item_number_is_a_problem_at_its_line(westmere_copy):
    report = westmere_copy / "reports" / "scrutiny-2008-12-11.yaml"
    lines = report.read_text(encoding="utf-8").splitlines()
    report.write_text("\n".join(line for line in lines if not line.startswith("item_number:")) + "\n", encoding="utf-8")
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("numbering:"))
    result = run_cli("validate", "--data", str(westmere_copy), "--as-at", "2008-12-31")
    assert result.returncode == 2
    assert f"{report}:{line}: item_number: is missing: numbering 'paragraphs' numbers sections from the agenda item" in result.stderr


def test_an_area_may_list_no_relevance_levels(westmere_copy):
    agreement = westmere_copy / "agreement.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8") + "\nrelevance_levels: []\n", encoding="utf-8")
    result = run_cli("validate", "--data", str(westmere_copy), "--as-at", "2008-05-01")
    assert result.returncode == 0, result.stderr


def test_signups_names_no_districts_where_there_are_none():
    result = run_cli("signups", "--data", str(WESTMERE), "--partner", "Westmere Polic", "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert "a partner in partners.csv; closest: Westmere Police (fictional)" in result.stderr
    assert "district" not in result.stderr


def test_a_commentary_every_row_shares_stays_on_its_rows_without_a_set_note(westmere_copy):
    """Only a set's `note` is said once under its heading; the rows' own words stay theirs."""
    from docx import Document

    from ka2docs.build import build

    with open(westmere_copy / "statuses.csv", "a", encoding="utf-8") as handle:
        handle.writelines(f"2008-04-30,{ni},school-process,Set by the schools forum in the spring term.,no,,westmere-cabinet\n" for ni in (72, 73, 75, 87))
    out = westmere_copy.parent / "out"
    build(westmere_copy, out, TEMPLATES, dt.date(2008, 5, 1), jobs=1)
    report = Document(out / "reports" / "cabinet-2008-05-08.docx")
    cells = [c.text for t in report.tables for row in t.rows for c in row.cells]
    assert sum("Set by the schools forum in the spring term. (illustrative)" in c for c in cells) == 4
    assert not any("Set by the schools forum" in p.text for p in report.paragraphs)


def test_agreement_problems_point_at_the_line_they_belong_to(westmere_copy):
    agreement = westmere_copy / "agreement.yaml"
    lines = agreement.read_text(encoding="utf-8").splitlines()
    start = lines.index("roles:")
    end = lines.index("themes:")
    kept = [line for n, line in enumerate(lines) if not (start <= n < end) and not line.startswith("  area:")]
    kept += ["relevance_levels: []"]
    agreement.write_text("\n".join(kept) + "\n", encoding="utf-8")
    section = kept.index("agreement:") + 1
    result = run_cli("validate", "--data", str(westmere_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    problems = result.stderr.splitlines()
    # A missing key is where it belongs (the agreement: section); a missing section is the file's.
    assert f"{agreement}:{section}: agreement.area: is missing" in result.stderr
    assert f"{agreement}: roles: section is missing or empty (allowed: a list of entries with code and label)" in problems
    assert not any("relevance_levels" in p for p in problems)  # an empty list is allowed


def test_a_table_naming_a_vocabulary_the_area_lacks_says_where_it_would_be_listed(westmere_copy):
    (westmere_copy / "relevance.csv").write_text("date,district,ni,relevance,note,source\n2008-05-01,Westmere,151,high,,westmere-cabinet\n", encoding="utf-8")
    result = run_cli("validate", "--data", str(westmere_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    table = westmere_copy / "relevance.csv"
    assert f"{table}:2: district: unknown district 'Westmere' (allowed: none: districts.csv lists no district)" in result.stderr
    assert f"{table}:2: relevance: unknown relevance 'high' (allowed: none: agreement.yaml lists no relevance_levels)" in result.stderr


def test_a_public_status_change_after_a_restricted_row_keeps_its_reason():
    # NI 16's notes of 22 May are restricted; the settlement of 29 May is public, reason and all.
    result = run_cli("changes", "--data", str(WESTMERE), "--since", "2008-05-25", "--as-at", "2008-06-30")
    assert result.returncode == 0, result.stderr
    assert "NI 16   status: Proposed, awaiting GONW -> Settled with GONW (illustrative)  (The Police Authority agreed the counting rule)" in result.stdout
    assert "legal adviser" not in result.stdout and "Legal advice" not in result.stdout
