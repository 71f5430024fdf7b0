"""The project's exceptions: one base the CLI catches, subclasses that carry where."""

from __future__ import annotations

from dataclasses import dataclass


class Ka2docsError(Exception):
    """Anything ka2docs reports to a user as a clear message rather than a traceback."""

    exit_code = 1


# Characters str.splitlines() breaks at: a value quoted from the data must not split its problem in two.
ONE_LINE = {c: repr(chr(c))[1:-1] for c in (0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as FILE:LINE: COLUMN."""

    file: str
    line: int
    column: str
    message: str
    severity: str = "error"  # or "warning": reported, and an error only under --strict

    def __str__(self) -> str:
        line = f"{self.line}:" if self.line else ""
        column = f" {self.column}:" if self.column else ""
        return f"{self.file}:{line}{column} {self.message}".translate(ONE_LINE)


class DataError(Ka2docsError):
    """Bad input: every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(DataError):
    """A template that cannot render: syntax error, unknown variable, unreadable file."""


class ConversionError(Ka2docsError):
    """LibreOffice could not convert a document, or ran past the time limit."""


class AreasFailed(Ka2docsError):
    """build-all: some areas could not be built (each named with its problems)."""

    exit_code = 2


class ToolMissing(Ka2docsError):
    """An outside program an option needs (LibreOffice for --pdf) is not installed."""

    exit_code = 2


def problem(file: str, line: int, column: str, message: str, severity: str = "error") -> Problem:
    return Problem(str(file), line, column, message, severity)


def warning(file: str, line: int, column: str, message: str) -> Problem:
    return Problem(str(file), line, column, message, "warning")


def settle(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """Raise DataError with every error (every warning too, when strict); return the warnings.

    The one place a list of problems becomes a verdict, so `validate`, `templates` and
    `build` agree on the same data.
    """
    errors = [p for p in problems if strict or p.severity == "error"]
    if errors:
        raise DataError(errors)
    return sorted(set(problems), key=_problem_order)


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line, p.column, p.message)
