"""The position on target-setting in one table (the county report's section 7).

Every document and `ka2docs status` shows this one summary, so a count is the same
figure with the same label and the same '(illustrative)' mark wherever it appears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .position import IndicatorPosition, Position, latest


@dataclass(frozen=True)
class SummaryRow:
    kind: str  # status (of the negotiated set) | unset | total | set (every other set)
    code: str  # the status or set code; '' for unset and total
    label: str
    count: int
    illustrative: bool = False  # the count includes (or was moved by) a row from an illustrative source


@dataclass(frozen=True)
class Summary:
    as_at: dt.date
    rows: tuple[SummaryRow, ...]

    def row(self, kind: str, code: str = "") -> SummaryRow | None:
        return next((r for r in self.rows if r.kind == kind and r.code == code), None)

    @property
    def illustrative(self) -> bool:
        return any(r.illustrative for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Indicators of the negotiated set per status code (zero where none)."""
        return {r.code: r.count for r in self.rows if r.kind == "status"}


def summary(now: Position) -> Summary:
    """The table as at `now`, worked out once per data set and date."""
    return now.data.kept(("summary", now.as_at), lambda: _summary(now))


def _summary(now: Position) -> Summary:
    agreement = now.agreement
    counts = now.status_counts()
    others = [i for s in agreement.sets[1:] for i in now.in_set(s.code)]
    # A status only the other sets use (Kent's DCSF annual process) is not a negotiation status.
    other_only = {i.status.status for i in others if i.status} - {c for c, n in counts.items() if n}
    real = _real_statuses(now)
    rows = [
        SummaryRow("status", s.code, s.label, counts[s.code], _moved_by_illustrative(now, real, s.code))
        for s in agreement.statuses if s.code not in other_only
    ]
    unset = sum(1 for i in now.negotiated if not i.status)
    if unset:
        rows.append(SummaryRow("unset", "", "No status recorded yet", unset))
    rows.append(SummaryRow("total", "", "Total", len(now.negotiated), any(_added_illustrative(now, i) for i in now.negotiated)))
    for s in agreement.sets[1:]:
        members = now.in_set(s.code)
        label = str(s.get("summary", "")).replace("{count}", str(len(members))) or s.label
        rows.append(SummaryRow("set", s.code, label, len(members), any(_added_illustrative(now, i) for i in members)))
    return Summary(now.as_at, tuple(rows))


def _real_statuses(now: Position) -> dict[int, str]:
    """Each indicator's status from the rows of real papers alone (illustrative rows left out)."""
    real = [r for r in now.data.statuses if not now.data.is_illustrative(r.source)]
    return {ni: row.status for ni, row in latest(real, now.as_at, lambda r: r.ni).items()}


def _moved_by_illustrative(now: Position, real: dict[int, str], code: str) -> bool:
    """The count holds an indicator an illustrative row put there, or lacks one it took away:
    the same test on any date, so `status` and every document mark the same counts."""
    return any(
        i.status and now.data.is_illustrative(i.status.source) and code in (i.status.status, real.get(i.ni))
        for i in now.negotiated
    )


def _added_illustrative(now: Position, indicator: IndicatorPosition) -> bool:
    return now.data.is_illustrative(indicator.added.source)
