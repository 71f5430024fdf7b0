"""What a hurried officer types is read as they meant it, and hostile sizes cost nothing:
YAML text stays text, a sheet's size is known before its cells are read."""

from __future__ import annotations

import datetime as dt
import time

from conftest import DATA, TEMPLATES
from test_bad_input import replace, xlsx_with

from ka2docs.errors import DataError


def test_yaml_text_stays_text_where_yaml_1_1_would_guess(data_copy):
    from ka2docs.validate import check

    replace("agreement.yaml", "  short_name: KA2", "  short_name: No")(data_copy)
    replace("agreement.yaml", '  period: "2008-11"', "  period: 1.10")(data_copy)
    data = check(data_copy, dt.date(2008, 5, 1))
    assert data.agreement.facts["short_name"] == "No"  # YAML 1.1: False
    assert data.agreement.facts["period"] == "1.10"  # YAML 1.1: 1.1
    assert data.agreement.facts["submission_deadline"] == dt.date(2008, 5, 30)
    assert data.agreement.sets[0].get("limit") == 35  # whole numbers are still numbers
    assert data.agreement.roles[-1].get("signed") is False  # and true/false still booleans


def test_the_period_written_as_1_10_reaches_the_report_as_written(data_copy, tmp_path):
    import docx

    from ka2docs.build import build

    replace("agreement.yaml", '  period: "2008-11"', "  period: 1.10")(data_copy)
    replace("reports/kcc-county-council-2008-05-15.yaml", 'to: "County Council - {{ meeting_day }}"', 'to: "County Council - {{ period }}"')(data_copy)
    build(data_copy, tmp_path / "out", TEMPLATES, dt.date(2008, 5, 1), jobs=1)
    document = docx.Document(tmp_path / "out" / "reports" / "kcc-county-council-2008-05-15.docx")
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "County Council - 1.10" in text


def test_a_five_kilobyte_workbook_with_a_cell_at_XFD1048576_is_refused_at_once(data_copy):
    from ka2docs.data.tables import read_table

    for unsized in (False, True):
        xlsx_with("statuses", {"XFD1048576": "x"}, unsized=unsized)(data_copy)
        path = data_copy / "statuses.xlsx"
        assert path.stat().st_size < 10_000
        start = time.perf_counter()
        try:
            read_table(path, str(path))
        except DataError as exc:
            assert "too large" in str(exc)
        else:
            raise AssertionError("the workbook was read")
        assert time.perf_counter() - start < 2.0, unsized  # openpyxl alone: 17 billion cells
        path.unlink()
        (data_copy / "statuses.csv").write_bytes((DATA / "statuses.csv").read_bytes())


def test_a_workbook_table_is_read_as_its_csv(data_copy):
    from ka2docs.data.tables import read_table

    xlsx_with("signups", {})(data_copy)
    from_xlsx = read_table(data_copy / "signups.xlsx", "signups")
    from_csv = read_table(DATA / "signups.csv", "signups")
    assert from_xlsx.columns == from_csv.columns
    assert [(r.line, r.values) for r in from_xlsx.rows] == [(r.line, r.values) for r in from_csv.rows]


def test_a_number_where_agreement_yaml_wants_text_is_text_and_signed_no_means_no(data_copy, tmp_path):
    """Found by the fuzzer: `partnership_office: 5` reached the workbook writer as a number (exit 1)."""
    from ka2docs.build import build
    from ka2docs.validate import check

    replace("agreement.yaml", "  partnership_office: Kent Partnership office", "  partnership_office: 5")(data_copy)
    replace("agreement.yaml", "    label: Withdrawn\n    signed: false", "    label: Withdrawn\n    signed: no")(data_copy)
    data = check(data_copy, dt.date(2008, 5, 1))
    assert data.agreement.facts["partnership_office"] == "5"
    assert [r.code for r in data.agreement.roles if r.get("signed", True) is False] == ["withdrawn"]
    build(data_copy, tmp_path / "out", TEMPLATES, dt.date(2008, 5, 1), jobs=1)
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "out" / "submission.xlsx")
    assert book.properties.creator == "5"
