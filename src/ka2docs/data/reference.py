"""docs/data-reference.md, written from the loader's own schema (schema.py).

`python scripts/make_data_reference.py` rewrites the file; a test fails when the
committed file differs from what this writes, so the reference cannot fall behind.
"""

from __future__ import annotations

from .schema import AGREEMENT_SECTIONS, CONTACT, FACTS, REFRESH, REPORT, REPORT_TABLES, REWARD, SCHEMA, VOCABULARIES, Column, Key

KINDS = {
    "text": "any text",
    "date": "a date, YYYY-MM-DD",
    "int": "a whole number",
    "ni": "an NI number within `agreement.indicator_set`",
    "yesno": "`yes` or `no`",
    "action": "`add` or `remove`",
    "set": "a `sets` code of agreement.yaml",
    "theme": "a `themes` code of agreement.yaml",
    "status": "a `statuses` code of agreement.yaml",
    "role": "a `roles` code of agreement.yaml",
    "relevance": "a `relevance_levels` code of agreement.yaml",
    "year": "`baseline`, one of `agreement.years`, `all`, or a monitoring period's end date (a profiled trajectory point)",
    "source": "a `source` of sources.csv",
    "partner": "a `partner` of partners.csv",
    "district": "a `district` of districts.csv",
    "number": "a number, e.g. 762 or 9.4",
    "better": "`higher` or `lower`",
    "email": "an e-mail address",
    "nis": "NI numbers separated by semicolons, e.g. `191; 197`",
}

INTRO = """\
# Data reference

Generated from the loader's schema (`src/ka2docs/data/schema.py`) by
`python scripts/make_data_reference.py`; do not edit by hand. Every file, column and key
the loader reads is listed here: what it holds, whether it is required, what it may hold
and what it feeds. `ka2docs validate` checks a data folder against exactly these rules and
names every problem as `FILE:LINE: COLUMN: what is wrong (what is allowed)`.

A data folder holds `agreement.yaml` (the area's names and vocabularies), the tables below
(each `.csv`, UTF-8 with a header row, or `.xlsx`, first sheet) and `reports/*.yaml` (one
committee report each). Every dated row takes effect from its `date`; a later row for the
same thing supersedes it from its own date on, so nothing is overwritten. Two example
folders ship: `data/` (Kent Agreement 2, two-tier, transcribed from real papers) and
`examples/westmere/` (a fictional unitary council, written from this reference alone).
"""


def render() -> str:
    out = [INTRO, _agreement(), _tables(), _reports()]
    return "\n".join(out).rstrip() + "\n"


def _keys(keys: dict[str, Key], prefix: str = "") -> list[str]:
    lines = ["| key | required | what it holds and feeds | example |", "|---|---|---|---|"]
    for name, key in keys.items():
        example = f"`{key.example}`" if key.example else ""
        lines.append(f"| `{prefix}{name}` | {'required' if key.required else 'optional'} | {_cell(key.about)} | {_cell(example)} |")
    return lines


def _agreement() -> str:
    lines = [
        "## agreement.yaml", "",
        "Top-level sections:", "", *_keys(AGREEMENT_SECTIONS), "",
        "### `agreement:`", "", *_keys(FACTS, "agreement."), "",
        "### `agreement.refresh:`", "", *_keys(REFRESH, "agreement.refresh."), "",
    ]
    for vocabulary, keys in VOCABULARIES.items():
        lines += [f"### `{vocabulary}:` (a list; one entry per code)", "", _sentence(AGREEMENT_SECTIONS[vocabulary].about), "", *_keys(keys), ""]
    lines += ["### `reward_grant:`", "", *_keys(REWARD, "reward_grant."), ""]
    lines += ["### `contact:`", "", _sentence(AGREEMENT_SECTIONS["contact"].about), "", *_keys(CONTACT, "contact."), ""]
    lines += [
        "A short agreement.yaml:", "", "```yaml",
        "agreement:",
        "  name: Westmere Agreement (fictional)",
        "  area: Westmere",
        "  responsible_authority: Westmere Council",
        "  government_office_short: GONW",
        "  years: [\"08/09\", \"09/10\", \"10/11\"]",
        "  submission_deadline: 2008-06-02",
        "  indicator_set: {name: National Indicator Set, first: 1, last: 198}",
        "  markings: {part1: Public, part2: Confidential}",
        "sets:",
        "  - {code: negotiated, label: Negotiated improvement targets, limit: 12}",
        "  - {code: education, label: Statutory education targets, summary: \"{count} statutory education targets\"}",
        "statuses:",
        "  - {code: settled, label: Targets settled with the Government Office, short: Settled}",
        "roles:",
        "  - {code: lead, label: Lead, heading: \"Lead:\"}",
        "  - {code: support, label: Supporting, heading: \"Supporting partners:\"}",
        "  - {code: left, label: Left, signed: false}",
        "themes:",
        "  - {code: health, name: Healthy Westmere}",
        "```", "",
    ]
    return "\n".join(lines)


def _tables() -> str:
    lines = ["## Tables", ""]
    for name, table in SCHEMA.items():
        need = "optional: an area may leave the file out" if table.optional else "required"
        lines += [
            f"### `{name}.csv` ({need})", "",
            f"One row is {table.about}. Feeds: {table.feeds}.", "",
            "| column | required | may be empty | allowed | what it holds and feeds |", "|---|---|---|---|---|",
        ]
        lines += [_column(c) for c in table.columns]
        lines += ["", "```csv", *table.example, "```", ""]
    return "\n".join(lines)


def _column(column: Column) -> str:
    required = "required" if column.required else "optional"
    blank = "yes" if column.blank else "no"
    return f"| `{column.name}` | {required} | {blank} | {KINDS[column.kind]} | {_cell(column.about)} |"


def _reports() -> str:
    lines = [
        "## reports/*.yaml", "",
        "One committee report each; the file name is the document's name (`reports/<name>.docx`).",
        "Figures the data knows are written `{{ name }}` (`{{ indicators }}`, `{{ counts['CODE'] }}`,",
        "`{{ sets['CODE'].count }}`, `{{ reward.estimate }}`, `{{ deadline }}`...; `| words` writes a",
        "small number in words); an unknown name fails the build naming the file and line, and lists",
        "every name there is.", "",
        *_keys(REPORT), "",
        "Tables a paragraph (`- table: NAME`) or an annex (`table: NAME`) may name:", "",
        "| table | what it shows |", "|---|---|",
        *[f"| `{name}` | {_cell(about)} |" for name, about in REPORT_TABLES.items()], "",
    ]
    return "\n".join(lines)


def _sentence(text: str) -> str:
    return _cell(text[:1].upper() + text[1:]) + "."


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
