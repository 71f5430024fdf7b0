"""The six-monthly returns: one workbook per accountable officer once a period has ended.

Each return is a snapshot of the position at the period's end (the figures it is
measured against then), so it says the same whenever it is built; the officer fills it
in and saves it as data/returns/<period>/<the same file name>.
"""

from __future__ import annotations

from .. import model
from ..data.returns import FOLDER, INPUTS, file_name
from ..history import Position
from ..history.monitoring import Line, ended, officers_due, prefilled
from ..layout.returns import monitoring_return
from .context import long_date
from .document import Document

KIND = "monitoring-return"
TEMPLATE = "xlsx/monitoring-return.xlsx"


def documents(now: Position) -> list[Document]:
    data = now.data
    out = []
    for period in ended(data, now.as_at):
        for officer, lines in officers_due(data, period):
            stem = file_name(officer.officer).removesuffix(".xlsx")
            out.append(Document(f"{FOLDER}/{period.code}/{stem}", KIND, TEMPLATE, return_context(data, period, officer, lines), monitoring_return))
    return out


def return_context(data: model.DataSet, period: model.Period, officer: model.Officer, lines: list[Line]) -> dict:
    agreement = data.agreement
    facts = agreement.facts
    monitoring = agreement.monitoring
    sender = facts.get("partnership_office") or facts.get("responsible_authority", "")
    title = f"{agreement.name}: six-monthly monitoring return, {period.label}"
    illustrative = [what for what, source in (("the accountable officer", officer.source), ("the period's dates", monitoring.get("source", ""))) if data.is_illustrative(source)]
    note = f"Illustrative: {' and '.join(illustrative)} come from illustrative data, not from a real paper." if illustrative else ""
    name = file_name(officer.officer)
    return {
        "title": title,
        "illustrative_note": note,
        "officer": officer.officer,
        "organisation": officer.organisation,
        "email": officer.email,
        "period": period.code,
        "period_label": period.label,
        "deadline": long_date(period.deadline),
        "data_quality": monitoring["data_quality"],
        "rows": [{**prefilled(line), **{column: None for column in INPUTS}} for line in lines],
        "instructions_title": f"{agreement.name}: how to complete this return",
        "instructions": [
            (f"This return is for {officer.officer} ({officer.organisation}), accountable officer for "
             + ", ".join(f"NI {ni}" for ni in dict.fromkeys(line.ni for line in lines)) + f", for the period {period.label}."),
            f"Please complete it by {long_date(period.deadline)} and send it to the {sender}, keeping the file name {name}.",
            ("On the Return sheet, fill in the pale yellow cells only: the date you completed the return, and for each row the Actual "
             "(a number, in the unit shown), a Commentary on progress, any Remedial action where the indicator is behind its trajectory, "
             "and the Data quality of the figure."),
            ("Leave every other cell as it is: the indicator, baseline, target, trajectory point and previous actual are what the "
             "agreement holds, and a return with any of them changed cannot be accepted."),
            ("Trajectory is the point this period on the line from the baseline to the annual target. A row marked 'Not rated' has "
             "no figure to compare with: give the latest position in the Commentary."),
            (f"RAG: Green is {monitoring['rag']['green'].lower()}; Amber {monitoring['rag']['amber'].lower()} "
            f"(within {monitoring['rag']['amber_tolerance']:g}% of the trajectory point); Red {monitoring['rag']['red'].lower()}."),
            f"The returns are brought together in the six-monthly monitoring report to the {monitoring.get('report_to') or 'partnership'}."
            + (f" {note}" if note else ""),
        ],
        "properties": {"title": title, "author": sender, "date": period.end.isoformat()},
    }
