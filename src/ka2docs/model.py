"""The agreement's data as plain objects: no I/O, no formats.

Every dated record keeps the date it took effect and its source; nothing is ever
overwritten, so `history` can resolve the position as at any date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Where:
    file: str
    line: int


@dataclass(frozen=True)
class Code:
    """One entry of a vocabulary the agreement defines (a status, role, theme, set...)."""

    code: str
    label: str
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def get(self, key: str, default=None):
        return self.extra.get(key, default)


@dataclass(frozen=True)
class Source:
    source: str
    title: str
    date: dt.date
    illustrative: bool


@dataclass(frozen=True)
class IndicatorChange:
    date: dt.date
    ni: int
    action: str  # add | remove
    title: str
    set: str
    theme: str
    order: int
    replaces: int | None
    reason: str
    source: str
    where: Where


@dataclass(frozen=True)
class Partner:
    partner: str
    statutory: bool
    date: dt.date
    source: str
    where: Where


@dataclass(frozen=True)
class District:
    district: str
    council: str
    lsp: str
    member_of: str
    date: dt.date
    source: str
    where: Where


@dataclass(frozen=True)
class Signup:
    date: dt.date
    ni: int
    partner: str
    role: str
    detail: str
    reason: str
    source: str
    where: Where


@dataclass(frozen=True)
class TargetValue:
    """A baseline (year 'baseline') or a target for one year, or for the whole period ('all')."""

    date: dt.date
    ni: int
    measure: str
    year: str
    value: str
    designated: bool
    reason: str
    source: str
    where: Where
    # The figure the text gives, for the monitoring to compare against (None: the text gives none).
    number: float | None = None
    unit: str = ""
    better: str = ""  # higher | lower: which way is an improvement


@dataclass(frozen=True)
class Officer:
    """An accountable officer: completes the six-monthly return for the indicators they hold."""

    officer: str
    organisation: str
    email: str
    indicators: tuple[int, ...]
    date: dt.date
    source: str
    where: Where


@dataclass(frozen=True)
class Period:
    """One six-monthly monitoring period (agreement.yaml monitoring.periods)."""

    end: dt.date
    label: str
    year: str  # the agreement year the period falls in
    deadline: dt.date
    returns_source: str = ""  # the source of the returns received for it

    @property
    def code(self) -> str:
        return self.end.isoformat()


@dataclass(frozen=True)
class ReturnLine:
    """One indicator (measure) row of a completed return, as the officer filled it in."""

    ni: int
    measure: str
    actual: float | None
    commentary: str
    remedial: str
    quality: str
    cell: str  # where the actual is, e.g. Return!I9, for messages


@dataclass(frozen=True)
class Return:
    """A completed monitoring return read from data/returns/<period>/<file>.xlsx."""

    period: str
    officer: str
    file: str  # as shown in messages
    name: str  # the file name the return went out under
    date: dt.date  # the day the officer returned it
    lines: tuple[ReturnLine, ...]
    source: str


@dataclass(frozen=True)
class StatusRecord:
    date: dt.date
    ni: int
    status: str
    commentary: str
    restricted: bool
    reason: str
    source: str
    where: Where


@dataclass(frozen=True)
class Event:
    date: dt.date
    event: str
    source: str
    where: Where


@dataclass(frozen=True)
class Bulletin:
    number: int
    date: dt.date
    source: str
    where: Where


@dataclass(frozen=True)
class NewsItem:
    """One item of news the editor writes for a bulletin."""

    date: dt.date
    bulletin: int
    headline: str
    text: str
    source: str
    where: Where


@dataclass(frozen=True)
class Relevance:
    date: dt.date
    district: str
    ni: int
    relevance: str
    note: str
    source: str
    where: Where


@dataclass(frozen=True)
class PlanEntry:
    """One indicator a district's LSP chose for its Local Action Plan."""

    date: dt.date
    district: str
    ni: int
    local_target: str
    no_target_reason: str
    actions: str
    local_partners: str
    source: str
    where: Where


DEFAULT_MARKINGS = {"part1": "Part 1 - Public", "part2": "Part 2 - Private"}  # where agreement.yaml names none


@dataclass
class Agreement:
    """agreement.yaml: the names, years, vocabularies and rules of one area's agreement."""

    facts: dict
    years: list[str]
    sets: list[Code]
    statuses: list[Code]
    roles: list[Code]
    themes: list[Code]
    relevance_levels: list[Code]
    reward_grant: dict
    first_ni: int
    last_ni: int
    contact: dict = field(default_factory=dict)  # who the bulletin comes from and goes to (agreement.yaml `contact`)
    monitoring: dict = field(default_factory=dict)  # periods, rag rules; empty when not monitored

    @property
    def periods(self) -> list[Period]:
        return self.monitoring.get("periods", [])

    @property
    def name(self) -> str:
        return self.facts["name"]

    def marking(self, classification: str) -> str:
        """The protective marking a document of this classification prints in its header."""
        return (self.facts.get("markings") or {}).get(classification) or DEFAULT_MARKINGS[classification]

    @property
    def office(self) -> str:
        """Who writes the partnership's own papers (bulletins, matrix, submission, schedule)."""
        return self.facts.get("partnership_office") or self.facts.get("responsible_authority", "")

    def label(self, vocabulary: str, code: str) -> str:
        for entry in getattr(self, vocabulary):
            if entry.code == code:
                return entry.label
        return code

    def entry(self, vocabulary: str, code: str) -> Code | None:
        return next((e for e in getattr(self, vocabulary) if e.code == code), None)


@dataclass
class DataSet:
    """Everything under data/, every dated row kept."""

    agreement: Agreement
    sources: dict[str, Source]
    indicators: list[IndicatorChange]
    partners: dict[str, Partner]
    districts: list[District]
    signups: list[Signup]
    targets: list[TargetValue]
    statuses: list[StatusRecord]
    events: list[Event]
    bulletins: list[Bulletin]
    relevance: list[Relevance]
    plans: list[PlanEntry]
    reports: list  # report narratives (narrative.Report), loaded from data/reports/
    officers: list[Officer] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    # Returns as read, before they are checked against the position (data.returns.RawReturn).
    raw_returns: list = field(default_factory=list, repr=False, compare=False)
    news: list[NewsItem] = field(default_factory=list)  # the bulletins' news items
    # Answers worked out from these rows (the position on a date...), see kept().
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def is_illustrative(self, source: str) -> bool:
        entry = self.sources.get(source)
        return bool(entry and entry.illustrative)

    def kept(self, question, answer):
        """answer(), worked out once per data set and question; callers only read what it returns.

        The rows never change after loading, and a build asks the same questions (the
        position on a date, ...) many times over.
        """
        if question not in self.cache:
            self.cache[question] = answer()
        return self.cache[question]
