"""The foundation: the Kent data set, `validate`, `status` and the GOSE submission workbook."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil

import openpyxl
import pytest
from conftest import DATA, run_cli


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the data set ------------------------------------------------------------------


def test_every_dated_table_row_has_a_date_and_a_known_source():
    sources = {r["source"] for r in rows_of(DATA / "sources.csv")}
    for name in ("indicators", "partners", "signups", "targets", "statuses"):
        for row in rows_of(DATA / f"{name}.csv"):
            assert row["date"], (name, row)
            assert row["source"] in sources, (name, row)


def test_transcription_has_the_35_and_the_16_in_the_appendix_order():
    from ka2docs.data.load import load
    from ka2docs.history import position

    now = position(load(DATA), dt.date(2008, 5, 1))
    assert [i.ni for i in now.negotiated] == [
        163, 171, 152, 188, 161, 162, 117, 120, 55, 39, 40, 125, 51, 189, 186, 191, 197,
        195, 15, 21, 111, 32, 3, 6, 11, 8, 110, 198, 175, 47, 159, 187, 154, 155, 141,
    ]
    assert [i.ni for i in now.in_set("dcsf")] == [92, 72, 73, 93, 94, 74, 83, 95, 96, 75, 97, 98, 87, 99, 100, 101]
    ni159 = now.by_ni(159)
    assert ni159.replaces == 170 and now.by_ni(170) is None


def test_before_the_late_switch_ni_170_is_in_the_agreement():
    from ka2docs.data.load import load
    from ka2docs.history import position

    march = position(load(DATA), dt.date(2008, 3, 6))
    assert march.by_ni(170) is not None and march.by_ni(159) is None
    assert len(march.negotiated) == 35


# --- validate ----------------------------------------------------------------------


def test_validate_accepts_the_shipped_data():
    result = run_cli("validate", "--as-at", "2008-05-01")
    assert result.returncode == 0, result.stderr
    assert "OK as at 2008-05-01" in result.stdout


def test_validate_lists_every_problem_with_file_line_column(data_copy):
    signups = data_copy / "signups.csv"
    lines = signups.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",lead,", ",leed,")  # line 2: unknown role
    lines[2] = lines[2].replace("2008-05-01", "2008-02-30", 1)  # line 3: impossible date
    lines.append("2008-05-01,999,Kent Police,statutory,,,seed-003")  # outside the NI set
    lines.append("2008-05-01,1,Kent Police,statutory,,,seed-003")  # not in the agreement
    lines.append("2008-05-01,191,Nobody Ltd,statutory,,,seed-003")  # unknown partner
    signups.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    path = str(signups)
    expected = [
        f"{path}:2: role: unknown role 'leed' (allowed: lead, statutory, non-statutory, withdrawn)",
        f"{path}:3: date: '2008-02-30' is not a real date (allowed: YYYY-MM-DD with a real month and day)",
        f"{path}:{len(lines)}: partner: unknown partner 'Nobody Ltd' (allowed:",
        f"{path}:{len(lines) - 2}: ni: NI 999 is outside the National Indicator Set (allowed: 1 to 198)",
        f"{path}:{len(lines) - 1}: ni: NI 1 is not in the agreement (allowed: an NI listed in indicators.csv)",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)


def test_validate_reports_a_missing_lead_as_at_the_date(data_copy):
    with open(data_copy / "signups.csv", "a", encoding="utf-8") as handle:
        handle.write("2008-06-01,191,Kent Waste Partnership,withdrawn,,Lead withdrew,seed-003\n")
    before = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-31")
    after = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-06-01")
    strict = run_cli("validate", "--strict", "--data", str(data_copy), "--as-at", "2008-06-01")
    assert before.returncode == 0, before.stderr
    assert "warning:" not in before.stderr
    # A gap of an agreement under negotiation: validate, templates and build warn alike; --strict refuses.
    assert after.returncode == 0, after.stderr
    assert f"warning: {data_copy / 'indicators.csv'}:" in after.stderr and "NI 191 has no lead partner as at 2008-06-01" in after.stderr
    assert strict.returncode == 2
    assert "NI 191 has no lead partner as at 2008-06-01" in strict.stderr and "warning:" not in strict.stderr
    templates = run_cli("templates", "--data", str(data_copy), "--as-at", "2008-06-01")
    assert templates.returncode == 0, templates.stderr
    assert run_cli("templates", "--strict", "--data", str(data_copy), "--as-at", "2008-06-01").returncode == 2


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda p: p.write_text("\n".join(",".join(f for n, f in enumerate(line.split(",")) if n != 1) for line in p.read_text().splitlines()) + "\n"), "ni: required column is missing from the header"),
        (lambda p: p.write_bytes("date,ni,action,title,set,theme,order,replaces,reason,source\n2008-03-06,163,add,Caf\xe9,laa,economic-success,1,,,seed-003\n".encode("latin-1")), "is not UTF-8"),
        (lambda p: p.write_text(p.read_text() + "2008-03-06,163,add,Again,laa,economic-success,1,,,seed-003\n"), "duplicate: the same NI is listed twice on 2008-03-06"),
        (lambda p: p.write_text(p.read_text() + "2008-03-06,77,add,Theme-less,laa,nowhere,52,,,seed-003\n"), "unknown theme 'nowhere'"),
    ],
    ids=["missing-column", "not-utf8", "duplicate-indicator", "unknown-theme"],
)
def test_validate_catches_bad_indicator_files(data_copy, edit, message):
    edit(data_copy / "indicators.csv")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert message in result.stderr
    assert str(data_copy / "indicators.csv") in result.stderr


def test_a_utf8_bom_and_windows_line_endings_are_fine(data_copy):
    path = data_copy / "statuses.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 0, result.stderr


def test_unknown_status_in_agreement_yaml_vocabulary(data_copy):
    path = data_copy / "statuses.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",agreed,", ",settled,", 1), encoding="utf-8")
    result = run_cli("validate", "--data", str(data_copy), "--as-at", "2008-05-01")
    assert result.returncode == 2
    assert "status: unknown status 'settled' (allowed: agreed, under-discussion, after-deadline, dcsf-annual)" in result.stderr


# --- status -------------------------------------------------------------------------


def test_status_json_matches_the_county_report_section_7_table():
    result = run_cli("status", "--as-at", "2008-05-01", "--json")
    assert result.returncode == 0, result.stderr
    position = json.loads(result.stdout)
    rows = position.pop("rows")
    assert position == {
        "as_at": "2008-05-01",
        "indicators": 35,
        "dcsf": 16,
        "sets": {"dcsf": 16},
        # dcsf-annual is a status only the statutory block uses: not a count of the negotiated set
        "counts": {"agreed": 2, "under-discussion": 23, "after-deadline": 10},
        "illustrative": [],  # every status as at 1 May 2008 comes from the seeds
        "rag": None,  # no monitoring return is in before the first period ends
    }
    assert [(r["kind"], r["count"]) for r in rows] == [("status", 2), ("status", 23), ("status", 10), ("total", 35), ("set", 16)]


def test_status_table_reads_like_section_7():
    result = run_cli("status", "--as-at", "2008-05-01")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kent Agreement 2: position on target-setting as at 01/05/08"
    assert [line.split(None, 1) for line in lines[1:]] == [
        ["2", "Baseline / Targets agreed between Kent partners and agreed with GOSE"],
        ["23", "Baseline / Targets agreed between Kent partners, still under discussion with GOSE, with expectation that agreement will be reached by 30 May"],
        ["10", "Unlikely to be agreed until after 30/05/08"],
        ["35", "Total"],
        ["(16)", "16 Statutory DCSF Targets to be Agreed"],
    ]


def test_changing_a_status_changes_the_count(data_copy):
    path = data_copy / "statuses.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2008-05-01,152,under-discussion", "2008-05-01,152,agreed"), encoding="utf-8")
    counts = json.loads(run_cli("status", "--data", str(data_copy), "--as-at", "2008-05-01", "--json").stdout)["counts"]
    assert counts["agreed"] == 3 and counts["under-discussion"] == 22


# --- the submission workbook -----------------------------------------------------------


def submission_rows(out):
    sheet = openpyxl.load_workbook(out / "submission.xlsx").worksheets[0]
    header_row = next(r for r in range(1, 10) if str(sheet.cell(r, 1).value or "").startswith("Indicator"))
    header = [c.value for c in sheet[header_row]]
    return sheet, header_row, header, [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=header_row + 1)]


def test_manifest_lists_the_submission_with_its_sha256(may_build):
    import hashlib

    manifest = json.loads((may_build / "manifest.json").read_text())
    assert manifest["as_at"] == "2008-05-01"
    entry = next(d for d in manifest["documents"] if d["kind"] == "submission" and d["path"] == "submission.xlsx")
    assert entry["format"] == "xlsx"
    assert entry["sha256"] == hashlib.sha256((may_build / "submission.xlsx").read_bytes()).hexdigest()


def test_submission_values_leads_and_theme_counts(may_build):
    _, _, header, rows = submission_rows(may_build)
    assert header[:7] == ["Indicator (NI number and title)", "Measure", "Baseline", "08/09", "09/10", "10/11", "Whole period"]
    by_ni = {}
    for row in rows:
        text = row[header[0]] or ""
        if text.startswith("NI "):
            by_ni.setdefault(int(text.split()[1]), []).append(row)
    ni191 = by_ni[191][0]
    assert (ni191["Baseline"], ni191["08/09"], ni191["09/10"], ni191["10/11"]) == ("860 kg", "762 kg", "733kg", "704 kg")
    assert ni191["Partners signed up (lead partner/s shown with a *)"].startswith("Lead: Kent Waste Partnership")
    assert ni191["Negotiation status"] == "Agreed with GOSE"
    ni155 = by_ni[155][0]
    assert (ni155["Baseline"], ni155["08/09"], ni155["09/10"], ni155["10/11"]) == (0, "+1356", "+1503 = 2859", "+1425 = 4284")
    assert [r["Measure"] for r in by_ni[120]] == ["Male", "Female", "All persons"]
    assert [r["Baseline"] for r in by_ni[120]] == [656, 491, 565]
    assert by_ni[154][0]["09/10"] == 5744  # a real number stays a number
    assert "Lead: East Kent and Coastal Primary Care Trust*, West Kent Primary Care Trust*" in by_ni[120][0]["Partners signed up (lead partner/s shown with a *)"]
    # Theme headings, in order, with the number of indicators under each; DCSF block last.
    headings, counts, current = [], {}, None
    for row in rows:
        text = row[header[0]] or ""
        if text and not text.startswith("NI "):
            current = text
            headings.append(text)
            counts[current] = set()
        elif text.startswith("NI "):
            counts[current].add(text.split()[1])
    assert headings == ["ECONOMIC SUCCESS", "LEARNING FOR EVERYONE", "IMPROVED HEALTH, CARE & WELLBEING", "ENVIRONMENTAL EXCELLENCE", "STRONGER & SAFER COMMUNITIES", "ENJOYING LIFE", "KEEPING KENT MOVING", "HIGH QUALITY HOMES", "DCSF STATUTORY INDICATORS"]
    assert [len(counts[h]) for h in headings] == [4, 3, 6, 4, 7, 3, 3, 5, 16]


def test_submission_is_printable_and_frozen(may_build):
    sheet, header_row, _, _ = submission_rows(may_build)
    assert sheet.freeze_panes == f"B{header_row + 1}"
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.cell(header_row + 2, 1).alignment.wrap_text
    assert sheet.column_dimensions["A"].width >= 30


def test_text_that_looks_like_a_formula_stays_text(data_copy, tmp_path):
    from ka2docs.build import build

    shutil.rmtree(data_copy / "returns")  # the new 1 May rows change what the shipped returns went out with
    path = data_copy / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8") + '2008-05-01,191,,all,"=HYPERLINK(""http://x"",""y"")",no,,seed-003\n2008-05-01,152,,10/11,-,no,,seed-003\n', encoding="utf-8")
    build(data_copy, tmp_path / "out", DATA.parent / "templates", dt.date(2008, 5, 1))
    sheet = openpyxl.load_workbook(tmp_path / "out" / "submission.xlsx").worksheets[0]
    cells = {c.value: c for row in sheet.iter_rows() for c in row if c.value is not None}
    formula = cells['=HYPERLINK("http://x","y")']
    assert formula.data_type == "s"
    assert cells["-"].data_type == "s"
    assert cells["+1356"].data_type == "s"


def test_same_inputs_give_byte_identical_files(tmp_path):
    from ka2docs.build import build

    for name in ("a", "b"):
        build(DATA, tmp_path / name, DATA.parent / "templates", dt.date(2008, 5, 1))
    manifest_a = json.loads((tmp_path / "a" / "manifest.json").read_text())
    manifest_b = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest_a["documents"] == manifest_b["documents"]
    for entry in manifest_a["documents"]:
        assert (tmp_path / "a" / entry["path"]).read_bytes() == (tmp_path / "b" / entry["path"]).read_bytes()


def test_cli_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "status", "build"):
        assert command in result.stdout


def test_build_warns_about_a_missing_lead_and_strict_refuses(data_copy, tmp_path):
    with open(data_copy / "signups.csv", "a", encoding="utf-8") as handle:
        handle.write("2008-06-01,191,Kent Waste Partnership,withdrawn,,Lead withdrew,seed-003\n")
    out = tmp_path / "out"
    relaxed = run_cli("build", "--data", str(data_copy), "--out", str(out), "--as-at", "2008-06-01")
    assert relaxed.returncode == 0, relaxed.stderr
    assert "warning: " in relaxed.stderr and "NI 191 has no lead partner as at 2008-06-01" in relaxed.stderr
    assert (out / "manifest.json").exists()
    strict = run_cli("build", "--strict", "--data", str(data_copy), "--out", str(tmp_path / "strict"), "--as-at", "2008-06-01")
    assert strict.returncode == 2 and not (tmp_path / "strict").exists()
