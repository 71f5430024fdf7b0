"""Completed returns checked against what went out: every problem at its cell.

A return is refused (exit 2, nothing written) when it is for another period, names an
indicator its officer does not hold, changes a prefilled cell, or has something other
than a number where a number goes. Late and missing returns are not errors: the
monitoring report lists them.
"""

from __future__ import annotations

import datetime as dt
import re

from . import model
from .data.returns import (
    COLUMNS,
    FIELD_ROW,
    FIELDS,
    HEADER_ROW,
    INPUTS,
    MAX_ROWS,
    MAX_TEXT,
    RawReturn,
    cell_name,
    column_of,
    file_name,
    text,
)
from .errors import Problem, problem
from .history.monitoring import Line, officers_due, prefilled

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
KEEP = "prefilled cells as sent; write only in the " + ", ".join(INPUTS) + " columns and the date returned"


def check_returns(data: model.DataSet, problems: list[Problem]) -> None:
    """Turn the raw returns into data.returns, period by period (a return's previous
    actuals come from the period before), collecting every problem."""
    data.returns = []
    for period in data.agreement.periods:
        raws = [r for r in data.raw_returns if r.period == period.code]
        if not raws:
            continue
        due = {file_name(o.officer): (o, lines) for o, lines in officers_due(data, period)}
        for raw in raws:
            checked = _check(raw, period, due, data, problems)
            if checked is not None:
                data.returns.append(checked)


def _check(raw: RawReturn, period: model.Period, due: dict, data: model.DataSet, problems: list[Problem]) -> model.Return | None:
    before = len(problems)

    def bad(row: int, column: int, message: str) -> None:
        problems.append(problem(raw.display, 0, cell_name(row, column), message))

    if raw.name not in due:
        names = ", ".join(sorted(due)) or "none: no accountable officer holds an indicator this period"
        problems.append(problem(raw.display, 0, "", f"no return went out under this name for the period ending {period.code} (allowed: {names})"))
        return None
    officer, lines = due[raw.name]
    for n, label in enumerate(FIELDS):
        if text(raw.at(FIELD_ROW + n, 1)) != label:
            bad(FIELD_ROW + n, 1, f"'{text(raw.at(FIELD_ROW + n, 1))}' differs from the label sent, '{label}' (allowed: {KEEP})")
    said = text(raw.at(FIELD_ROW + 3, 2))
    if said != period.code:
        known = {p.code for p in data.agreement.periods}
        where = f"save it under data/returns/{said}/" if said in known else f"the return sent for the period ending {period.code}"
        bad(FIELD_ROW + 3, 2, f"this return is for the period ending '{said}', not {period.code}, the folder it is saved in (allowed: {where})")
    if text(raw.at(FIELD_ROW, 2)) != officer.officer:
        bad(FIELD_ROW, 2, f"'{text(raw.at(FIELD_ROW, 2))}' differs from the officer the return was sent to, '{officer.officer}' (allowed: {KEEP})")
    returned = _date_returned(raw, period, bad)
    for n, name in enumerate(COLUMNS, start=1):
        if text(raw.at(HEADER_ROW, n)) != name:
            bad(HEADER_ROW, n, f"'{text(raw.at(HEADER_ROW, n))}' differs from the heading sent, '{name}' (allowed: {KEEP})")
    answers = _lines(raw, officer, lines, data, bad)
    if len(problems) > before:
        return None
    source = period.returns_source
    return model.Return(period.code, officer.officer, raw.display, raw.name, returned, tuple(answers), source)


def _date_returned(raw: RawReturn, period: model.Period, bad) -> dt.date:
    row = FIELD_ROW + FIELDS.index("Date returned")
    value = raw.at(row, 2)
    day = value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None
    if day is None and value is not None:
        try:
            day = dt.date.fromisoformat(text(value))
        except ValueError:
            bad(row, 2, f"'{text(value)}' is not a date (allowed: the date you completed the return, e.g. {period.deadline.isoformat()})")
            return period.deadline
    if day is None:
        bad(row, 2, f"is empty (allowed: the date you completed the return, e.g. {period.deadline.isoformat()})")
        return period.deadline
    if day <= period.end:
        bad(row, 2, f"{day} is not after the period ends on {period.end} (allowed: a date after {period.end})")
    return day


def _lines(raw: RawReturn, officer: model.Officer, lines: list[Line], data: model.DataSet, bad) -> list[model.ReturnLine]:
    expected = {(str(line.ni), line.name): line for line in lines}
    quality = data.agreement.monitoring["data_quality"]
    held = ", ".join(f"NI {ni}" for ni in dict.fromkeys(line.ni for line in lines))
    seen: set = set()
    out = []
    row = HEADER_ROW + 1
    while row <= MAX_ROWS and raw.at(row, column_of("NI")) is not None:
        ni, name = text(raw.at(row, column_of("NI"))), text(raw.at(row, column_of("Measure")))
        line = expected.get((ni, name))
        if line is None:
            if not any(key[0] == ni for key in expected):
                bad(row, column_of("NI"), f"NI {ni} is not an indicator {officer.officer} holds (allowed: {held})")
            else:
                bad(row, column_of("Measure"), f"'{name}' differs from the measures sent for NI {ni} (allowed: {KEEP})")
            row += 1
            continue
        if line.key in seen:
            bad(row, column_of("NI"), f"NI {ni} {name} appears twice (allowed: each row once, as sent)")
        seen.add(line.key)
        for column, value in prefilled(line).items():
            got, want = text(raw.at(row, column_of(column))), text(value)
            if got != want and column not in ("NI", "Measure"):
                bad(row, column_of(column), f"'{got}' differs from the value sent, '{want}' (allowed: {KEEP})")
        out.append(_answer(raw, row, line, quality, bad))
        row += 1
    for line in expected.values():
        if line.key not in seen:
            bad(HEADER_ROW, column_of("NI"), f"the row for NI {line.ni} {line.name} is missing (allowed: every row as sent)")
    return out


def _answer(raw: RawReturn, row: int, line: Line, quality: list[str], bad) -> model.ReturnLine:
    value = raw.at(row, column_of("Actual"))
    actual = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        actual = float(value)
    elif value is not None:
        written = text(value).replace(",", "")
        if NUMBER.match(written):
            actual = float(written)
        else:
            unit = f" in {line.unit}" if line.unit else ""
            bad(row, column_of("Actual"), f"'{text(value)}' is not a number (allowed: a number{unit})")
    words = {}
    for column in ("Commentary", "Remedial action"):
        words[column] = text(raw.at(row, column_of(column)))
        if len(words[column]) > MAX_TEXT:
            bad(row, column_of(column), f"is {len(words[column])} characters long (allowed: at most {MAX_TEXT})")
    grade = text(raw.at(row, column_of("Data quality")))
    if grade and grade not in quality:
        bad(row, column_of("Data quality"), f"'{grade}' is not a data quality grade (allowed: {', '.join(quality)})")
    return model.ReturnLine(line.ni, line.measure, actual, words["Commentary"], words["Remedial action"], grade, cell_name(row, column_of("Actual")))
