"""Bad input: every case exits 2 with FILE:LINE: COLUMN: what (allowed: ...), no traceback,
and the output folder exactly as it was before.

Each case is a small change to a copy of the shipped data set, as an office user might
make it in Excel.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, TEMPLATES, run_cli

AS_AT = "2008-05-01"
LINE = re.compile(r"^(?P<file>[^:\n]+):(?:(?P<line>\d+):)? (?:(?P<column>[^:]+): )?(?P<message>.+ \(allowed[^)]*\)?.*)$")


def append(name: str, text: str):
    def edit(data: Path) -> None:
        with open(data / name, "a", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return edit


def replace(name: str, old: str, new: str, count: int = 1):
    def edit(data: Path) -> None:
        path = data / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"corpus case is stale: {old!r} not in {name}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return edit


def write(name: str, body: bytes):
    def edit(data: Path) -> None:
        (data / name).write_bytes(body)
    return edit


def delete(name: str):
    def edit(data: Path) -> None:
        (data / name).unlink()
    return edit


def drop_column(name: str, column: str):
    def edit(data: Path) -> None:
        import csv

        with open(data / name, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        index = rows[0].index(column)
        with open(data / name, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])
    return edit


def as_xlsx(name: str, change=None):
    """Replace NAME.csv by NAME.xlsx (first sheet, header row), optionally changing rows."""
    def edit(data: Path) -> None:
        import csv

        import openpyxl

        with open(data / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if change:
            change(rows)
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(data / f"{name}.xlsx")
        (data / f"{name}.csv").unlink()
    return edit


def zip_bomb(data: Path) -> None:
    (data / "statuses.csv").unlink()
    with zipfile.ZipFile(data / "statuses.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (300 * 1024 * 1024))


def entity_expansion(data: Path) -> None:
    """A 'billion laughs' workbook: entities that expand exponentially when parsed."""
    as_xlsx("statuses")(data)
    path = data / "statuses.xlsx"
    source = zipfile.ZipFile(path)
    members = {n: source.read(n) for n in source.namelist()}
    source.close()
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10)
    ) + b"]>"
    sheet = "xl/worksheets/sheet1.xml"
    body = members[sheet].split(b"?>", 1)[-1]  # the sheet without its XML declaration
    members[sheet] = laughs + body.replace(b"<v>", b"<v>&lol9;", 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)


def broken_xlsx_template(templates: Path) -> None:
    import openpyxl

    path = templates / "xlsx" / "submission.xlsx"
    book = openpyxl.load_workbook(path)
    book.worksheets[0]["A2"] = "{{ no_such_field }}"
    book.save(path)


def xlsx_with(name: str, cells: dict[str, str], *, hidden_first: bool = False, unsized: bool = False, keep_csv: bool = False):
    """NAME.csv as NAME.xlsx with extra cells set (e.g. {"XFD1048576": "x"}); optionally a
    hidden first sheet before it, no <dimension> in the sheet, or the CSV left beside it."""
    def edit(data: Path) -> None:
        import csv

        import openpyxl

        with open(data / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        book = openpyxl.Workbook()
        sheet = book.active
        if hidden_first:
            sheet.title, sheet.sheet_state = "Notes", "hidden"
            sheet["A1"] = "old version"
            sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref, value in cells.items():
            sheet[ref] = value
        book.save(data / f"{name}.xlsx")
        if unsized:
            import re

            rezip_member(data / f"{name}.xlsx", "xl/worksheets/sheet1.xml", lambda body: re.sub(rb"<dimension[^>]*/>", b"", body))
        if not keep_csv:
            (data / f"{name}.csv").unlink()
    return edit


def rezip_member(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as source:
        members = {n: source.read(n) for n in source.namelist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in members.items():
            target.writestr(name, body)


def report(name: str, text: str):
    def edit(data: Path) -> None:
        (data / "reports" / name).write_text(text, encoding="utf-8")
    return edit


def narrative(expression: str):
    """The county report's 'to:' line (a narrative text) holding EXPRESSION."""
    return replace("reports/kcc-county-council-2008-05-15.yaml", 'to: "County Council - {{ meeting_day }}"', f"to: \"County Council - {expression}\"")


ALIAS_BOMB = "".join(f"  l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, 10))
KCC = "reports/kcc-county-council-2008-05-15.yaml"


def rename(old: str, new: str):
    def edit(data: Path) -> None:
        (data / old).rename(data / new)
    return edit


HEADER_ONLY = b"date,ni,status,commentary,restricted,reason,source\n"
CASES = [
    # (id, edit of data/, file the message names, words it must contain)
    ("unknown-theme", append("indicators.csv", "2008-03-06,77,add,A title,laa,nowhere,52,,,seed-003\n"), "indicators.csv", "unknown theme 'nowhere'"),
    ("duplicate-indicator", append("indicators.csv", "2008-03-06,163,add,Again,laa,economic-success,1,,,seed-003\n"), "indicators.csv", "duplicate: the same NI is listed twice"),
    ("ni-outside-set", append("indicators.csv", "2008-03-06,250,add,Too high,laa,economic-success,52,,,seed-003\n"), "indicators.csv", "NI 250 is outside the National Indicator Set"),
    ("ni-not-a-number", append("indicators.csv", "2008-03-06,NI163,add,Typed with prefix,laa,economic-success,52,,,seed-003\n"), "indicators.csv", "'NI163' is not a whole number"),
    ("impossible-date", replace("indicators.csv", "2008-03-06,163,", "2008-13-06,163,"), "indicators.csv", "'2008-13-06' is not a real date"),
    ("malformed-date", replace("indicators.csv", "2008-03-06,163,", "06/03/2008,163,"), "indicators.csv", "'06/03/2008' is not a date"),
    ("unknown-set", replace("indicators.csv", ",laa,economic-success,1,", ",lpsa,economic-success,1,"), "indicators.csv", "unknown set 'lpsa'"),
    ("unknown-action", replace("indicators.csv", ",163,add,", ",163,insert,"), "indicators.csv", "unknown action 'insert'"),
    ("add-without-title", append("indicators.csv", "2008-03-06,80,add,,laa,health,52,,,seed-003\n"), "indicators.csv", "title: is empty on an 'add' row"),
    ("replaces-unknown", append("indicators.csv", "2008-05-02,81,add,New one,laa,health,52,90,,seed-003\n"), "indicators.csv", "NI 90 is not in indicators.csv"),
    ("over-the-limit", append("indicators.csv", "2008-03-06,82,add,The 36th,laa,health,52,,,seed-003\n") , "indicators.csv", "36 indicators are in 'laa' as at 2008-05-01 (allowed: at most 35)"),
    ("missing-column", drop_column("indicators.csv", "title"), "indicators.csv", "title: required column is missing from the header"),
    ("unknown-role", replace("signups.csv", ",lead,", ",leader,"), "signups.csv", "unknown role 'leader'"),
    ("unknown-partner", append("signups.csv", "2008-05-01,191,Kent Polce,statutory,,,seed-003\n"), "signups.csv", "unknown partner 'Kent Polce'"),
    ("signup-outside-agreement", append("signups.csv", "2008-05-01,1,Kent Police,statutory,,,seed-003\n"), "signups.csv", "NI 1 is not in the agreement"),
    ("signup-after-removal", append("signups.csv", "2008-05-02,170,Kent Police,statutory,,,seed-003\n"), "signups.csv", "NI 170 is not in the agreement on 2008-05-02"),
    ("lead-withdrawn", append("signups.csv", "2008-04-30,55,Kent County Council,withdrawn,,,seed-003\n2008-05-01,55,Kent County Council,withdrawn,,,seed-003\n"), "signups.csv", "duplicate: Kent County Council is signed to NI 55 twice"),
    ("no-lead-as-at", append("signups.csv", "2008-05-01,191,Kent Waste Partnership,withdrawn,,,seed-003\n"), "indicators.csv", "NI 191 has no lead partner as at 2008-05-01"),
    ("empty-partner", append("signups.csv", "2008-05-01,191,,statutory,,,seed-003\n"), "signups.csv", "partner: is empty"),
    ("unknown-year", append("targets.csv", "2008-05-01,191,,2011/12,600 kg,no,,seed-003\n"), "targets.csv", "unknown year '2011/12'"),
    ("designated-not-yes-no", append("targets.csv", "2008-05-01,191,,10/11,704 kg,maybe,,seed-003\n"), "targets.csv", "'maybe' is not yes or no"),
    ("duplicate-target", append("targets.csv", "2008-05-01,191,,10/11,700 kg,no,,seed-003\n"), "targets.csv", "NI 191 has two 10/11 values on 2008-05-01"),
    ("unknown-status", replace("statuses.csv", ",agreed,", ",done,"), "statuses.csv", "unknown status 'done'"),
    ("restricted-not-yes-no", append("statuses.csv", "2008-05-02,191,agreed,note,Y?,,seed-003\n"), "statuses.csv", "'Y?' is not yes or no"),
    ("status-unknown-ni", append("statuses.csv", "2008-05-02,199,agreed,,no,,seed-003\n"), "statuses.csv", "NI 199 is outside the National Indicator Set"),
    ("duplicate-status", append("statuses.csv", "2008-05-01,191,under-discussion,,no,,seed-003\n"), "statuses.csv", "NI 191 has two statuses on 2008-05-01"),
    ("statutory-blank", replace("partners.csv", "Kent Probation,yes,", "Kent Probation,,"), "partners.csv", "statutory: is empty"),
    ("empty-file", write("partners.csv", b""), "partners.csv", "no header row"),
    ("header-only", write("statuses.csv", HEADER_ONLY), "statuses.csv", "has a header but no rows"),
    ("unknown-source", replace("signups.csv", ",seed-003\n", ",seed-9\n"), "signups.csv", "unknown source 'seed-9'"),
    ("illustrative-not-yes-no", replace("sources.csv", ",2008-03-06,no", ",2008-03-06,perhaps"), "sources.csv", "'perhaps' is not yes or no"),
    ("unknown-column", replace("statuses.csv", "date,ni,status,commentary,", "date,ni,status,comentary,"), "statuses.csv", "comentary: unknown column"),
    ("stray-bom-in-header", lambda d: (d / "statuses.csv").write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + (d / "statuses.csv").read_bytes()), "statuses.csv", "unknown column"),
    ("crlf-keeps-line-numbers", lambda d: (d / "statuses.csv").write_bytes((d / "statuses.csv").read_bytes().replace(b"\n", b"\r\n").replace(b",agreed,", b",agred,", 1)), "statuses.csv:", "unknown status 'agred'"),
    ("not-utf8", lambda d: (d / "partners.csv").write_bytes((d / "partners.csv").read_bytes() + "Caf\xe9 Partnership,no,2008-05-01,seed-003\n".encode("latin-1")), "partners.csv", "is not UTF-8"),
    ("fifty-megabytes", lambda d: (d / "targets.csv").write_bytes((d / "targets.csv").read_bytes() + b"#" * (50 * 1024 * 1024)), "targets.csv", "file is 5"),
    ("control-character", append("statuses.csv", "2008-05-02,191,agreed,bell\x07here,no,,seed-003\n"), "statuses.csv", "contains a control character"),
    ("too-many-cells", append("statuses.csv", "2008-05-02,191,agreed,note,no,,seed-003,extra\n"), "statuses.csv", "row has 8 cells but the header names 7"),
    ("unclosed-quote", append("statuses.csv", '2008-05-02,191,agreed,"never closed,no,,seed-003\n'), "statuses.csv", "cannot read CSV"),
    ("missing-file", delete("statuses.csv"), "statuses.csv", "file is missing"),
    ("yaml-syntax", replace("agreement.yaml", "  short_name: KA2", "  short_name: [KA2"), "agreement.yaml", "YAML syntax error"),
    ("yaml-unknown-key", replace("agreement.yaml", "  short_name: KA2", "  short_name: KA2\n  shortname: KA2"), "agreement.yaml", "agreement.shortname: unknown key"),
    ("yaml-no-years", replace("agreement.yaml", '  years: ["08/09", "09/10", "10/11"]\n', ""), "agreement.yaml", "agreement.years"),
    ("yaml-duplicate-code", replace("agreement.yaml", "  - code: after-deadline", "  - code: agreed"), "agreement.yaml", "'agreed' appears twice"),
    ("yaml-no-lead-role", replace("agreement.yaml", "  - code: lead\n", "  - code: leading\n"), "agreement.yaml", "has no 'lead' role"),
    ("yaml-empty", write("agreement.yaml", b""), "agreement.yaml", "expected a mapping"),
    ("contact-bad-email", replace("agreement.yaml", "  email: kentpartnership@kent.gov.uk", "  email: kentpartnership at kent"), "agreement.yaml", "contact.email: 'kentpartnership at kent' is not an e-mail address"),
    ("contact-unknown-key", replace("agreement.yaml", "  post: Kent Agreement Manager", "  post: Kent Agreement Manager\n  mobile: 07700 900000"), "agreement.yaml", "contact.mobile: unknown key"),
    ("contact-missing", lambda d: (d / "agreement.yaml").write_text((d / "agreement.yaml").read_text(encoding="utf-8").split("\n# Who the bulletin comes from")[0] + "\n", encoding="utf-8"), "agreement.yaml:1", "contact: section is missing: each bulletin is an e-mail"),
    ("news-unknown-bulletin", append("bulletin_news.csv", "2008-05-02,99,Headline,Text,seed-003\n"), "bulletin_news.csv:12", "bulletin 99 is not in the schedule"),
    ("news-after-its-bulletin", append("bulletin_news.csv", "2008-05-20,2,Headline,Text,seed-003\n"), "bulletin_news.csv:12", "is after bulletin 2's date 2008-05-16"),
    ("news-unknown-source", append("bulletin_news.csv", "2008-05-02,1,Headline,Text,seed-999\n"), "bulletin_news.csv:12", "unknown source 'seed-999'"),
    ("xlsx-bad-value", as_xlsx("signups", lambda rows: rows[5].__setitem__(3, "chief")), "signups.xlsx:6", "unknown role 'chief'"),
    ("xlsx-not-a-workbook", lambda d: (delete("statuses.csv")(d), write("statuses.xlsx", b"this is not a zip file")(d)), "statuses.xlsx", "is not a valid .xlsx workbook"),
    ("xlsx-zip-bomb", zip_bomb, "statuses.xlsx", "workbook unpacks to"),
    ("xlsx-entity-expansion", entity_expansion, "statuses.xlsx", "cannot read workbook"),
    ("report-yaml-syntax", lambda d: (d / "reports").mkdir(exist_ok=True) or (d / "reports" / "zz-broken.yaml").write_text("title: [unclosed\n"), "zz-broken.yaml", "YAML syntax error"),
    # --- issue 18: hostile sizes, careless copies, duplicates, ambiguity -------------------------
    ("xlsx-one-cell-at-XFD1048576", xlsx_with("statuses", {"XFD1048576": "x"}), "statuses.xlsx", "its used range is A1:XFD1048576"),
    ("xlsx-far-cell-without-dimension", xlsx_with("statuses", {"XFD1048576": "x"}, unsized=True), "statuses.xlsx", "it has a cell in row 1048576"),
    ("xlsx-far-column", xlsx_with("partners", {"GZ5": "note"}, unsized=True), "partners.xlsx", "column 208"),
    ("xlsx-hidden-first-sheet", xlsx_with("partners", {}, hidden_first=True), "partners.xlsx", "the first sheet 'Notes' is hidden"),
    ("xlsx-beside-csv", xlsx_with("partners", {}, keep_csv=True), "partners.xlsx", "partners.csv is here too: two files for one table"),
    ("xlsx-empty-first-row", as_xlsx("events", lambda rows: rows.insert(0, ["", "", ""])), "events.xlsx", "no header row"),
    ("csv-semicolons", lambda d: (d / "events.csv").write_text((d / "events.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"), "events.csv:1", "separated by semicolons"),
    ("csv-tabs", lambda d: (d / "events.csv").write_text((d / "events.csv").read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8"), "events.csv:1", "separated by tabs"),
    ("cell-longer-than-excel-holds", append("statuses.csv", "2008-05-02,191,agreed," + "x" * 33_000 + ",no,,seed-003\n"), "statuses.csv", "holds 33,000 characters"),
    ("ni-five-thousand-digits", replace("statuses.csv", ",191,", "," + "9" * 5000 + ","), "statuses.csv", "is 5000 digits long"),
    ("order-five-thousand-digits", replace("indicators.csv", ",economic-success,1,", ",economic-success," + "9" * 5000 + ","), "indicators.csv", "is 5000 digits long"),
    ("bulletin-number-too-long", replace("bulletins.csv", "1,2008-05-02,", "10000000000,2008-05-02,"), "bulletins.csv", "11 digits long"),
    ("date-9999-for-never", replace("statuses.csv", "2008-05-01,", "9999-12-31,"), "statuses.csv", "'9999-12-31' is out of range"),
    ("date-in-1066", replace("events.csv", "2007-10-18,", "1066-10-14,"), "events.csv", "'1066-10-14' is out of range"),
    ("deadline-out-of-range", replace("agreement.yaml", "submission_deadline: 2008-05-30", "submission_deadline: 3008-05-30"), "agreement.yaml", "'3008-05-30' is out of range"),
    ("refresh-date-out-of-range", replace("agreement.yaml", "    date: 2008-12-01", "    date: 2208-12-01"), "agreement.yaml", "'2208-12-01' is out of range"),
    ("meeting-date-out-of-range", replace(KCC, "meeting_date: 2008-05-15", "meeting_date: 2108-05-15"), "kcc-county-council-2008-05-15.yaml", "'2108-05-15' is out of range"),
    ("duplicate-partner-other-case", append("partners.csv", "kent police,yes,2008-05-01,seed-003\n"), "partners.csv", "duplicate: 'kent police' is listed already"),
    ("duplicate-partner-trailing-space", append("partners.csv", '"Kent Police ",yes,2008-05-01,seed-003\n'), "partners.csv", "duplicate: 'Kent Police' is listed already"),
    ("duplicate-partner-double-space", append("partners.csv", '"Kent  Police",yes,2008-05-01,seed-003\n'), "partners.csv", "as 'Kent Police'"),
    ("duplicate-source", append("sources.csv", "seed-003,Again,2008-05-15,no\n"), "sources.csv", "duplicate: 'seed-003' is listed already"),
    ("duplicate-illustrative-source", append("sources.csv", "illustrative-history,Real after all,2008-05-15,no\n"), "sources.csv", "duplicate: 'illustrative-history'"),
    ("duplicate-district-other-case", append("districts.csv", "ashford,Ashford BC,Ashford LSP,District Councils (to be named),2008-05-01,illustrative-districts\n"), "districts.csv", "duplicate: 'ashford'"),
    ("districts-one-file-name", append("districts.csv", "Ashford!,Ashford BC,Ashford LSP,District Councils (to be named),2008-05-01,illustrative-districts\n"), "districts.csv", "make the same file name 'ashford'"),
    ("district-without-letters", append("districts.csv", "!!!,A Council,An LSP,District Councils (to be named),2008-05-01,illustrative-districts\n"), "districts.csv", "has no letters or digits"),
    ("partner-name-too-long", append("partners.csv", "A" * 150 + ",no,2008-05-01,seed-003\n"), "partners.csv", "is 150 characters long"),
    ("agreement-name-too-long", replace("agreement.yaml", "  name: Kent Agreement 2", "  name: Kent Agreement 2" + " and more" * 20), "agreement.yaml", "agreement.name: is 196 characters long"),
    ("report-title-too-long", replace(KCC, "title: \"Kent's Second", "title: \"" + "Very " * 50 + "Kent's Second"), "kcc-county-council-2008-05-15.yaml", "title: is "),
    ("yaml-duplicate-key", replace("agreement.yaml", "  short_name: KA2", "  short_name: KA2\n  short_name: KA3"), "agreement.yaml:6", "key 'short_name' appears twice"),
    ("yaml-duplicate-section", append("agreement.yaml", "\nthemes:\n  - code: x\n    name: X\n"), "agreement.yaml", "key 'themes' appears twice"),
    ("yaml-duplicate-key-in-report", replace(KCC, "meeting_date: 2008-05-15", "meeting_date: 2008-05-15\nmeeting_date: 2008-05-16"), "kcc-county-council-2008-05-15.yaml:9", "key 'meeting_date' appears twice"),
    ("yaml-alias-bomb", append("agreement.yaml", "\nbomb:\n  l0: &l0 [lol]\n" + ALIAS_BOMB), "agreement.yaml", "alias *l0 is not allowed"),
    ("yaml-merge-key", replace("agreement.yaml", "  short_name: KA2", "  short_name: &s KA2\n  area2: *s"), "agreement.yaml", "alias *s is not allowed"),
    ("yaml-python-tag", replace("agreement.yaml", "  short_name: KA2", "  short_name: !!python/object/apply:os.system [echo]"), "agreement.yaml", "YAML syntax error"),
    ("yaml-nested-too-deep", append("agreement.yaml", "\ndeep: " + "[" * 3000 + "]" * 3000 + "\n"), "agreement.yaml", "nested too deeply"),
    ("yaml-tab-indent", replace("agreement.yaml", "  short_name: KA2", "\tshort_name: KA2"), "agreement.yaml", "YAML syntax error"),
    ("yaml-list-key", replace("agreement.yaml", "  short_name: KA2", "  ? [a, b]\n  : KA2"), "agreement.yaml", "a key must be a plain name"),
    ("agreement-saved-as-yml", rename("agreement.yaml", "agreement.yml"), "agreement.yaml", "agreement.yml is here: rename it agreement.yaml"),
    ("report-saved-as-yml", rename(KCC, "reports/kcc-county-council-2008-05-15.yml"), "kcc-county-council-2008-05-15.yml", "a report must be named kcc-county-council-2008-05-15.yaml"),
    ("report-is-a-list", report("zz-list.yaml", "- title: x\n"), "zz-list.yaml", "expected a mapping of report fields"),
    ("narrative-for-loop", narrative("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"), "kcc-county-council-2008-05-15.yaml:18", "{% for %} is not allowed"),
    ("narrative-string-repetition", narrative("{{ 'x' * 10000000000 }}"), "kcc-county-council-2008-05-15.yaml:18", "arithmetic ('*') is not allowed"),
    ("narrative-power", narrative("{{ 9 ** 9 ** 9 }}"), "kcc-county-council-2008-05-15.yaml:18", "arithmetic ('**') is not allowed"),
    ("narrative-filter-argument", narrative("{{ agreement | center(1000000000) }}"), "kcc-county-council-2008-05-15.yaml:18", "filter 'center' is not allowed"),
    ("narrative-division-by-zero", narrative("{{ 1 / 0 }}"), "kcc-county-council-2008-05-15.yaml:18", "arithmetic ('/') is not allowed"),
    ("narrative-unsafe-attribute", narrative("{{ agreement.__class__ }}"), "kcc-county-council-2008-05-15.yaml:18", "agreement has no '__class__'"),
    ("narrative-part-of-a-number", narrative("{{ indicators.total }}"), "kcc-county-council-2008-05-15.yaml:18", "indicators has no 'total'"),
    ("narrative-unclosed", narrative("{{ indicators"), "kcc-county-council-2008-05-15.yaml:18", "cannot read a {{ }} figure"),
    ("narrative-call", narrative("{{ lipsum() }}"), "kcc-county-council-2008-05-15.yaml:18", "calling a function is not allowed"),
    # --- found by hand (probing as a hurried officer) and by the fuzzer ---------------------------
    ("table-is-a-folder", lambda d: ((d / "events.csv").unlink(), (d / "events.csv").mkdir()), "events.csv", "is not a file"),
    ("table-is-a-pipe", lambda d: ((d / "events.csv").unlink(), os.mkfifo(d / "events.csv")), "events.csv", "is not a file"),
    ("table-is-a-broken-link", lambda d: ((d / "events.csv").unlink(), os.symlink(d / "gone.csv", d / "events.csv")), "events.csv", "is not a file"),
    ("report-is-a-folder", lambda d: (d / "reports" / "zz.yaml").mkdir(), "zz.yaml", "is not a file"),
    ("reports-is-a-file", lambda d: (shutil.rmtree(d / "reports"), (d / "reports").write_text("x")), "reports", "is not a folder"),
    ("csv-saved-as-utf16", lambda d: (d / "events.csv").write_bytes((d / "events.csv").read_text(encoding="utf-8").encode("utf-16")), "events.csv:1", "the file is UTF-16"),
    ("paragraphs-not-a-list", replace(KCC, "  - heading: Introduction\n    paragraphs:", "  - heading: Introduction\n    paragraphs: 5\n  - heading: Old\n    paragraphs:"), "kcc-county-council-2008-05-15.yaml", "sections[1].paragraphs: must be a list"),
    ("annexes-not-a-list", replace(KCC, "annexes:", "annexes: 5\nold_annexes:"), "kcc-county-council-2008-05-15.yaml", "annexes: must be a list"),
    ("set-limit-not-a-number", replace("agreement.yaml", "limit: 35", "limit: abc"), "agreement.yaml", "sets.limit: 'abc' is not a whole number"),
    ("indicator-set-first-after-last", replace("agreement.yaml", "    first: 1\n", "    first: 300\n"), "agreement.yaml", "first no more than last"),
    ("header-control-character", lambda d: (d / "statuses.csv").write_bytes(b"d\x1c\xc3\xa0)Tte" + (d / "statuses.csv").read_bytes()[4:]), "statuses.csv:1", "header cell contains a control character"),
    ("value-with-a-line-separator", append("signups.csv", "2008-05-01,191,Kent\u2028Police,statutory,,,seed-003\n"), "signups.csv", "unknown partner 'Kent\\u2028Police'"),
    ("table-named-in-capitals", rename("events.csv", "Events.CSV"), "Events.CSV", "is named with other capitals"),
    ("table-saved-as-xls", rename("events.csv", "events.xls"), "events.xls", "is not a format read here"),
    ("agreement-heading-empty", replace("agreement.yaml", "    heading: LEARNING FOR EVERYONE", "    heading:"), "agreement.yaml:119", "themes.heading: is empty (allowed: text)"),
    ("agreement-name-a-list", replace("agreement.yaml", "  name: Kent Agreement 2", "  name: [Kent, Agreement]"), "agreement.yaml:4", "agreement.name: is not a single value"),
    ("role-signed-maybe", replace("agreement.yaml", "    label: Withdrawn\n    signed: false", "    label: Withdrawn\n    signed: maybe"), "agreement.yaml", "roles.signed: 'maybe' is not true or false"),
    ("reward-grant-not-a-mapping", replace("agreement.yaml", "reward_grant:\n  national_pot: 340000000", "reward_grant: 5\nx:\n  national_pot: 340000000"), "agreement.yaml", "reward_grant: must be a mapping"),
    ("reward-share-in-words", replace("agreement.yaml", "  area_share: 0.02", "  area_share: about two percent"), "agreement.yaml", "'about two percent' is not a number"),
    ("report-without-template", replace(KCC, "template: ", "#template: "), "kcc-county-council-2008-05-15.yaml", "template: is missing (allowed: a report with"),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def previous_output(may_build, tmp_path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(may_build, out)
    return out


def assert_refused(result, previous: dict, out: Path, file: str, words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines, "no message"
    for line in lines:
        assert LINE.match(line), f"not FILE:LINE: COLUMN: message (allowed: ...): {line!r}"
    assert any(file in line and words in line for line in lines), (file, words, lines)
    assert snapshot(out) == previous, "the output folder changed"
    assert not list(out.parent.glob(".ka2docs-build-*")), "a temporary build folder was left behind"


def test_corpus_has_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case_id, edit, file, words", CASES, ids=[c[0] for c in CASES])
def test_bad_data_is_refused_and_nothing_is_touched(case_id, edit, file, words, data_copy, previous_output):
    edit(data_copy)
    before = snapshot(previous_output)
    result = run_cli("build", "--strict", "--data", str(data_copy), "--out", str(previous_output), "--as-at", AS_AT)
    assert_refused(result, before, previous_output, file, words)


def test_a_template_naming_an_unknown_field_is_refused(data_copy, previous_output, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    broken_xlsx_template(templates)
    before = snapshot(previous_output)
    result = run_cli("build", "--data", str(data_copy), "--out", str(previous_output), "--templates", str(templates), "--as-at", AS_AT)
    assert_refused(result, before, previous_output, "submission.xlsx", "unknown field {{ no_such_field }}")


def test_unexpected_errors_are_one_line_and_exit_1(tmp_path):
    # A data folder that is a file: not bad data we can name a line for, so exit 1 or 2 and one clear line.
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = run_cli("validate", "--data", str(target))
    assert result.returncode == 2
    assert "no such data folder" in result.stderr and "Traceback" not in result.stderr


def test_no_text_from_data_becomes_a_formula_in_any_workbook(data_copy, tmp_path):
    """Spreadsheet injection: text starting =, +, -, @ stays text in every workbook we write."""
    import datetime as dt
    import json

    import openpyxl

    from ka2docs.build import build

    hostile = '=HYPERLINK("http://example.invalid","open me")'
    append("partners.csv", f'"{hostile.replace(chr(34), chr(34) * 2)}",no,2008-05-01,seed-003\n')(data_copy)
    append("signups.csv", f'2008-05-01,191,"{hostile.replace(chr(34), chr(34) * 2)}",non-statutory,,,seed-003\n')(data_copy)
    append("statuses.csv", "2008-05-20,55,agreed,@SUM(1+1) was agreed,no,,seed-003\n")(data_copy)
    append("targets.csv", "2008-05-20,55,,10/11,+2%,no,,seed-003\n")(data_copy)
    build(data_copy, tmp_path / "out", TEMPLATES, dt.date(2008, 12, 19))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    workbooks = [tmp_path / "out" / d["path"] for d in manifest["documents"] if d["format"] == "xlsx"]
    assert len(workbooks) >= 3  # submission, matrix, bulletins' submissions, refresh schedule
    seen = set()
    for path in workbooks:
        for sheet in openpyxl.load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        seen.update(v for v in (hostile, "+2%") if v in cell.value)
                        if cell.value.startswith("@SUM"):
                            seen.add("@SUM")
    assert seen == {hostile, "+2%", "@SUM"}


# --- templates: what cannot be cleaned on the way in is refused (layout/intake.py) -------------

REL = '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}" TargetMode="External"/></Relationships>'


def template_member(template: str, member: str, change):
    """Change (or with change(None) -> bytes, add) one part of templates/TEMPLATE."""
    def edit(templates: Path) -> None:
        path = templates / template
        with zipfile.ZipFile(path) as source:
            members = {n: source.read(n) for n in source.namelist()}
        members[member] = change(members.get(member))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, body in members.items():
                target.writestr(name, body)
    return edit


def outside(kind: str, target: str):
    return lambda body: body.replace(b"</Relationships>", REL.format(n=90, kind=kind, target=target).encode())


def template_bomb(templates: Path) -> None:
    with zipfile.ZipFile(templates / "xlsx" / "submission.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (300 * 1024 * 1024))


def template_many_parts(templates: Path) -> None:
    with zipfile.ZipFile(templates / "docx" / "county-report.docx", "a") as archive:
        for n in range(600):
            archive.writestr(f"word/media/extra{n}.bin", b"x")


EXTERNAL_LINK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      + REL.format(n=1, kind="externalLinkPath", target="file:///C:/Users/jsmith/Budget.xlsx").encode())
TEMPLATE_CASES = [
    # (id, edit of templates/, file the message names, words it must contain)
    ("docx-outside-picture", template_member("docx/county-report.docx", "word/_rels/document.xml.rels", outside("image", "file:///C:/Users/jsmith/logo.png")), "county-report.docx", "links to 'file:///C:/Users/jsmith/logo.png' outside the file (image)"),
    ("docx-file-hyperlink", template_member("docx/county-report.docx", "word/_rels/document.xml.rels", outside("hyperlink", "file:///S:/Shared/minutes.docx")), "county-report.docx", "links to 'file:///S:/Shared/minutes.docx'"),
    ("docx-macro-project", template_member("docx/county-report.docx", "word/vbaProject.bin", lambda _: b"\xd0\xcf\x11\xe0macro"), "county-report.docx", "macro project"),
    ("xlsx-macro-project", template_member("xlsx/submission.xlsx", "xl/vbaProject.bin", lambda _: b"\xd0\xcf\x11\xe0macro"), "submission.xlsx", "macro project"),
    ("docx-comments", template_member("docx/county-report.docx", "word/comments.xml", lambda _: b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'), "county-report.docx", "holds comments"),
    ("docx-tracked-change", template_member("docx/county-report.docx", "word/document.xml", lambda body: body.replace(b"<w:body>", b'<w:body><w:p><w:ins w:id="1" w:author="jsmith"><w:r><w:t>x</w:t></w:r></w:ins></w:p>', 1)), "county-report.docx", "tracked changes"),
    ("xlsx-outside-workbook-link", template_member("xlsx/submission.xlsx", "xl/externalLinks/_rels/externalLink1.xml.rels", lambda _: EXTERNAL_LINK_RELS), "submission.xlsx", "Budget.xlsx' outside the file"),
    ("xlsx-template-zip-bomb", template_bomb, "submission.xlsx", "template unpacks to"),
    ("docx-template-many-parts", template_many_parts, "county-report.docx", "parts"),
    ("docx-tag-string-repetition", template_member("docx/county-report.docx", "word/document.xml", lambda body: body.replace(b"{{ subject }}", b"{{ subject * 10000000000 }}", 1)), "county-report.docx", "characters or items, more than 100,000"),
    ("docx-tag-power", template_member("docx/county-report.docx", "word/document.xml", lambda body: body.replace(b"{{ subject }}", b"{{ 10 ** 1000 ** 1000 }}", 1)), "county-report.docx", "a number of more than 300 digits"),
    ("docx-tag-division-by-zero", template_member("docx/county-report.docx", "word/document.xml", lambda body: body.replace(b"{{ subject }}", b"{{ 1 / 0 }}", 1)), "county-report.docx", "ZeroDivisionError"),
    ("xlsx-template-entity-bomb", template_member("xlsx/submission.xlsx", "xl/worksheets/sheet1.xml", lambda body: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + body.split(b"?>", 1)[-1]), "submission.xlsx", "declares a DTD"),
    ("xlsx-template-sheet-not-xml", template_member("xlsx/submission.xlsx", "xl/worksheets/sheet1.xml", lambda body: body[: len(body) // 2]), "submission.xlsx", "xl/worksheets/sheet1.xml: the part is not well-formed XML"),
    ("docx-template-styles-not-xml", template_member("docx/county-report.docx", "word/styles.xml", lambda body: b"<w:styles"), "county-report.docx", "word/styles.xml: the part is not well-formed XML"),
    ("docx-template-not-a-zip", lambda t: (t / "docx" / "county-report.docx").write_bytes(b"PK\x03\x04 not really"), "county-report.docx", "cannot open Word template: it is not a zip archive"),
]


@pytest.mark.parametrize("case_id, edit, file, words", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_a_template_that_cannot_be_cleaned_is_refused_and_nothing_is_touched(case_id, edit, file, words, previous_output, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    edit(templates)
    before = snapshot(previous_output)
    result = run_cli("build", "--data", str(DATA), "--out", str(previous_output), "--templates", str(templates), "--as-at", AS_AT)
    assert_refused(result, before, previous_output, file, words)


def test_the_corpus_grew_by_forty_cases_for_issue_18():
    assert len(CASES) + len(TEMPLATE_CASES) >= 52 + 40
