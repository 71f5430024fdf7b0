"""Completed monitoring returns: data/returns/<period>/<file>.xlsx, read as cells.

The shape of the Return sheet is declared here once, for the workbook that goes out
(layout.returns) and for reading it back. Reading only collects cells and where they
are; whether they say what the return sent out (the prefilled cells) and what the
officer may write (the input cells) is checked against the position (validate_returns).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, problem
from ..model import Agreement

FOLDER = "returns"
SHEET = "Return"
INSTRUCTIONS = "Instructions"
# The officer and period block above the table: label in column A, value in column B.
FIELDS = ("Accountable officer", "Organisation", "Period", "Period ending", "Return by", "Date returned")
FIELD_ROW = 3  # the first of FIELDS
HEADER_ROW = 11
COLUMNS = ("NI", "Measure", "Unit", "Aim", "Baseline", "Target", "Trajectory", "Previous actual", "Actual", "Commentary", "Remedial action", "Data quality")
PREFILLED = ("NI", "Measure", "Unit", "Aim", "Baseline", "Target", "Trajectory", "Previous actual")
INPUTS = ("Actual", "Commentary", "Remedial action", "Data quality")
MAX_TEXT = 2000  # characters in a commentary or remedial action: a paragraph, not a report
# Limits on what is read: a return is a few kilobytes and a few dozen rows.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 300, 30
MAX_FILES = 200  # returns in one period folder


@dataclass(frozen=True)
class RawReturn:
    """A return workbook's cells, before they are checked."""

    period: str  # the folder it was saved in
    name: str  # its file name
    display: str  # data/returns/<period>/<name>, as messages show it
    cells: dict

    def at(self, row: int, column: int):
        return self.cells.get((row, column))


def column_of(name: str) -> int:
    return COLUMNS.index(name) + 1


def letter(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_name(row: int, column: int) -> str:
    return f"{SHEET}!{letter(column)}{row}"


def file_name(officer: str) -> str:
    """The file a return goes out under: the officer's name, plain, e.g. 'susan-hale.xlsx'."""
    return re.sub(r"[^a-z0-9]+", "-", officer.lower()).strip("-") + ".xlsx"


def read_returns(data_dir: Path, agreement: Agreement, problems: list[Problem]) -> list[RawReturn]:
    """Every return saved under data/returns/<period>/, each problem collected."""
    root = Path(data_dir) / FOLDER
    if not root.is_dir():
        return []
    periods = {p.code for p in agreement.periods}
    out = []
    for folder in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        display = f"{root}/{folder.name}"
        if not folder.is_dir():
            problems.append(problem(display, 0, "", f"is not a period folder (allowed: folders named by a period's end date: {', '.join(sorted(periods)) or 'none: agreement.yaml has no monitoring periods'})"))
            continue
        if folder.name not in periods:
            problems.append(problem(display, 0, "", f"'{folder.name}' is not a monitoring period (allowed: {', '.join(sorted(periods)) or 'none: agreement.yaml has no monitoring periods'})"))
            continue
        files = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$")))
        if len(files) > MAX_FILES:
            problems.append(problem(display, 0, "", f"holds {len(files)} files (allowed: at most {MAX_FILES} returns a period)"))
            continue
        for path in files:
            shown = f"{display}/{path.name}"
            if path.suffix.lower() != ".xlsx" or not path.is_file():
                problems.append(problem(shown, 0, "", "is not a return workbook (allowed: the .xlsx files the returns went out as)"))
                continue
            try:
                out.append(RawReturn(folder.name, path.name, shown, _cells(path, shown)))
            except DataError as exc:
                problems.extend(exc.problems)
    return out


def _cells(path: Path, display: str) -> dict:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DataError([problem(display, 0, "", f"file is {size / 1e6:.1f} MB (allowed: a return of at most {MAX_BYTES // (1024 * 1024)} MB)")])
    from ..layout import xlsx  # only a workbook needs openpyxl

    return xlsx.read_cells(path, display, SHEET, MAX_ROWS, MAX_COLUMNS)


def text(value) -> str:
    """A cell as the text it shows: whole numbers without '.0', dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def number_text(value: float) -> str:
    """762, 9.4, 811.5: a figure as the documents print it."""
    return f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
