"""Read a data table (CSV, or the first sheet of an .xlsx) into rows that know their line.

Office staff keep these files in Excel, so both forms are accepted, with or without a
byte-order mark and with Windows line endings. Everything unsafe or unreadable becomes a
Problem naming the file and line, never an exception from deep inside a library.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, problem

MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest real table is a few kB; 20 MB is generous
OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".tsv", ".txt")  # what else a table is saved as
MAX_CELL = 32_000  # Excel's cell limit is 32,767 characters; our workbooks must open in it
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Row:
    """One data row: its values by column name, and where it came from."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    file: str
    columns: list[str]
    rows: list[Row]


def find_table(data_dir: Path, name: str) -> Path | None:
    """The table `name` as CSV or XLSX; None when neither exists, a DataError when both
    do (which one is the up-to-date copy is the user's to say, not ours to guess)."""
    # lexists: a broken link is found, and refused as not a file, rather than taken for no table
    found = [data_dir / f"{name}{suffix}" for suffix in (".csv", ".xlsx") if os.path.lexists(data_dir / f"{name}{suffix}")]
    if len(found) > 1:
        raise DataError([problem(str(found[1]), 0, "", f"{found[0].name} is here too: two files for one table (allowed: one of {name}.csv or {name}.xlsx; delete or rename the other)")])
    if found:
        return found[0]
    # 'Events.CSV' from a Windows PC: on this machine it is not events.csv, and would be skipped without a word.
    near = sorted(p.name for p in data_dir.iterdir() if p.name.lower() in (f"{name}.csv", f"{name}.xlsx"))
    if near:
        raise DataError([problem(str(data_dir / near[0]), 0, "", f"is named with other capitals (allowed: {name}.csv or {name}.xlsx, in lower case; rename it)")])
    other = sorted(p.name for p in data_dir.iterdir() if p.stem.lower() == name and p.suffix.lower() in OTHER_FORMATS)
    if other:
        raise DataError([problem(str(data_dir / other[0]), 0, "", f"is not a format read here (allowed: {name}.csv or {name}.xlsx; in Excel save as 'CSV UTF-8' or 'Excel Workbook')")])
    return None


def check_size(path: Path, display: str) -> None:
    if not path.is_file():  # a folder, or a pipe that would wait for ever to be read
        raise DataError([problem(display, 0, "", "is not a file (allowed: a plain file)")])
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError([problem(display, 0, "", f"file is {size / 1e6:.0f} MB (allowed: at most {MAX_FILE_BYTES // 1_000_000} MB)")])


def read_text(path: Path, display: str) -> str:
    """A text file's contents: UTF-8 with or without a BOM, any line ending."""
    check_size(path, display)
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's 'Unicode Text', Notepad's 'Unicode'
        raise DataError([problem(display, 1, "", "the file is UTF-16 (allowed: UTF-8 text; in Excel save as 'CSV UTF-8', elsewhere choose the UTF-8 encoding)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([problem(display, line, "", f"byte 0x{raw[exc.start]:02x} is not UTF-8 (allowed: UTF-8 text; in Excel save as 'CSV UTF-8')")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_table(path: Path, display: str) -> Table:
    if path.suffix == ".xlsx":
        from ..layout import xlsx  # only a workbook needs openpyxl

        check_size(path, display)
        header, records = xlsx.read_first_sheet(path, display)
    else:
        header, records = _read_csv(read_text(path, display), display)
    return _to_table(display, header, records)


def _read_csv(text: str, display: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        start = 1
        for fields in reader:
            if not header:
                header = fields
            else:
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError([problem(display, reader.line_num, "", f"cannot read CSV: {exc} (allowed: comma-separated values, quotes doubled inside quoted fields)")]) from None
    return header, records


def _to_table(display: str, header: list[str], records: list[tuple[int, list[str]]]) -> Table:
    problems: list[Problem] = []
    columns = [h.strip() for h in header]
    if not any(columns):
        raise DataError([problem(display, 1, "", "the file has no header row (allowed: a first row naming the columns)")])
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(columns) == 1 and delimiter in columns[0]:  # a European Excel's 'CSV' uses ';'
            raise DataError([problem(display, 1, "", f"the header is one column of names separated by {name} (allowed: comma-separated values; in Excel save as 'CSV UTF-8 (Comma delimited)')")])
    for index, name in enumerate(columns):
        if not name:
            problems.append(problem(display, 1, f"column {index + 1}", "header cell is empty (allowed: a column name)"))
        elif CONTROL_CHARACTERS.search(name):
            problems.append(problem(display, 1, f"column {index + 1}", "header cell contains a control character (allowed: a column name in printable text)"))
        elif columns.index(name) != index:
            problems.append(problem(display, 1, name, "column appears twice in the header (allowed: each column once)"))
    rows = []
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue  # blank lines are common at the end of files saved from Excel
        if len(fields) > len(columns) and any(f.strip() for f in fields[len(columns):]):
            problems.append(problem(display, line, f"column {len(columns) + 1}", f"row has {len(fields)} cells but the header names {len(columns)} (allowed: one cell per header column)"))
        values = {}
        for name, value in zip(columns, fields):
            if CONTROL_CHARACTERS.search(value):
                problems.append(problem(display, line, name, "contains a control character (allowed: printable text, tabs and line breaks)"))
            elif len(value) > MAX_CELL:
                problems.append(problem(display, line, name, f"holds {len(value):,} characters (allowed: at most {MAX_CELL:,}, what an Excel cell holds)"))
            values[name] = value.strip()
        rows.append(Row(display, line, values))
    if problems:
        raise DataError(problems)
    return Table(display, columns, rows)
