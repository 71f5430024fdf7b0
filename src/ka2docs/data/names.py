"""Names users key rows by (sources, partners, districts): one name, one row, one file.

Excel users type 'Kent Police' in one row and 'kent police ' in another and mean the
same partner; two rows for one name would leave the last silently winning (a second
`illustrative-history` source row unmarks every illustrative value). Two names that
make one file name would overwrite a plan. Both are refused where the second was written.
"""

from __future__ import annotations

import re

from ..errors import Problem, problem

MAX_NAME = 100  # a name goes into titles and document properties (Word allows 255 in all)


def same(name: str) -> str:
    """The name as a comparison sees it: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


def file_stem(name: str) -> str:
    """'Tonbridge and Malling' -> 'tonbridge-and-malling': a document's file name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check_unique(rows, column: str, kind: str, problems: list[Problem], *, file_names: bool = False) -> None:
    """Each row's `column` once (by `same`); with file_names, each once as a file name too."""
    seen: dict[str, object] = {}
    stems: dict[str, object] = {}
    for row in rows:
        name = row.get(column)
        if not name:
            continue
        if len(name) > MAX_NAME:
            problems.append(problem(row.file, row.line, column, f"is {len(name)} characters long (allowed: a {kind} name of at most {MAX_NAME} characters)"))
            continue
        first = seen.setdefault(same(name), row)
        if first is not row:
            spelt = "" if first.get(column) == name else f" as '{first.get(column)}'"
            problems.append(problem(row.file, row.line, column, f"duplicate: '{name}' is listed already at line {first.line}{spelt} (allowed: each {kind} once; case and spaces do not make another {kind})"))
            continue
        if file_names:
            stem = file_stem(name)
            if not stem:
                problems.append(problem(row.file, row.line, column, f"'{name}' has no letters or digits for a file name (allowed: a {kind} name with letters)"))
                continue
            clash = stems.setdefault(stem, row)
            if clash is not row:
                problems.append(problem(row.file, row.line, column, f"'{name}' and '{clash.get(column)}' at line {clash.line} make the same file name '{stem}' (allowed: {kind} names that differ in letters or digits)"))
