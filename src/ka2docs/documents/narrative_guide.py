"""docs/writing-reports.md: how an officer writes a new committee report, names and tables included.

The guide is written from the code (scripts/make_writing_guide.py), its list of names
from narrative_names.py at the example report's date, so it cannot drift; a test
compares the file with what this module writes and builds the worked example.
"""

from __future__ import annotations

from pathlib import Path

from ..model import DataSet
from .narrative_names import names, sample_report, tables

SAMPLE_REPORT = "kcc-cabinet-2008-12-15"  # the shipped Word-bodied example; its date is the guide's sample date

# The worked example's YAML report: a test writes it into a copy of the data and builds it.
EXAMPLE_NAME = "kcc-cabinet-2009-01-19"
EXAMPLE_YAML = """\
template: county-report
as_at: 2009-01-16
meeting_date: 2009-01-19
council: Kent County Council
meeting: Cabinet
title: "Kent Agreement 2: after the refresh"
classification: part1
classification_label: Unrestricted
by:
  - "Chief Executive"
to: "Cabinet - {{ meeting_day }}"
subject: "Kent Agreement 2: after the refresh"
summary: >-
  Where {{ agreement }} stands as at {{ as_at_long }}: {{ counts['agreed'] }} of the
  {{ indicators }} negotiated indicators agreed with GOSE.
decision: FOR INFORMATION
sections:
  - heading: The position
    paragraphs:
      - >-
        Since the submission of {{ refresh.submitted }}, the refresh has settled
        {{ refresh.statuses }} statuses; the last report to Cabinet spoke for
        {{ previous }}.
        {{ indicator(197) }} now has a 2010/11 target of
        {{ indicator(197).targets['10/11'] }} from a baseline of
        {{ indicator(197).baseline }}.
      - table: position_summary
        caption: "Table 1: the position on target-setting as at {{ as_at_long }}"
      - table: changes
        since: 2008-05-30
        caption: "Table 2: what changed since the submission"
recommendations:
  - "Cabinet is asked to NOTE the position."
"""

HEAD = """\
# Writing a committee report

<!-- Written by scripts/make_writing_guide.py from the code: edit the script's source
(src/ka2docs/documents/narrative_guide.py), not this file. -->

A committee report is one file in `data/reports/`: a YAML file holding the header block
(council, meeting, date, title, classification), the recommendations, signature and
contact, and the body, either in the same file (`sections:`) or in a Word file beside it
(`body: NAME.docx`). Every figure and table the data knows is written as a name in
`{{{{ }}}}` and filled from the data as at the report's own date (`as_at`), so the report
cannot disagree with the submission, the matrix or the refresh schedule. `ka2docs names`
prints the list at the end of this guide at the terminal, for any date.

## A worked example, from an empty folder

1. Make a folder and copy in the agreement's data and the templates (the data is what
   the figures come from; the templates are the house style):

       mkdir cabinet-jan && cd cabinet-jan
       cp -r /path/to/ka2docs/data /path/to/ka2docs/templates .

2. Write `data/reports/{example}.yaml` (the file name becomes the document's name):

```yaml
{yaml}```

3. Check it. `validate` fills every figure and lays out every table of every report
   without writing anything; a misspelt name is reported with the file and line, the
   names allowed and the nearest one:

       ka2docs validate
       #   with counts['agree'] in the summary:
       # data/reports/{example}.yaml:13: summary: counts has no 'agree'; did you mean 'agreed'? (allowed: ...)

4. Build it and open `output/reports/{example}.docx`:

       ka2docs build --as-at 2009-01-19

   A report is built once the build's date reaches its `as_at`, from the data as it stood
   on that date.

## Writing the body in Word

Instead of `sections:`, write `body: NAME.docx` in the YAML and put `NAME.docx` beside it
in `data/reports/`. Start from the shipped example, `data/reports/{sample}.docx` (its YAML
is `{sample}.yaml`): it is in the house styles. In Word:

- a paragraph in **Heading 1** starts a section; the report numbers it ('1. Introduction');
- **Heading 2** and **Heading 3** are sub-headings;
- **List Bullet** paragraphs are bullets, **Numbered Paragraph** (or List Number) numbered items;
- any other paragraph is a paragraph; bold text stays bold;
- a figure is typed as in YAML, `{{{{ counts['agreed'] }}}}`, anywhere in a paragraph;
- a paragraph holding only `{{{{p table('changes', since='2008-05-30') }}}}` becomes that
  table, laid out in the house table style; a **Caption** paragraph straight after it is
  its caption;
- the header block, recommendations, signature, contact and annexes stay in the YAML.

A table typed by hand or a picture is refused: tables come from the data, so that they
cannot drift. Problems in a Word body are reported by paragraph number and opening words:

    data/reports/{sample}.docx:5: paragraph 5 'As at {{{{ as_at_long }}}}, ...': unknown name 'as_at_lng'; did you mean 'as_at_long'? (allowed: ...)

The file is read with limits (10 MB, 5000 paragraphs), and its text is filled in the
same sandbox as YAML: a tag can only read the figures below.

## Tables

In YAML a table is a paragraph item, with its options beside it:

```yaml
      - table: changes
        since: 2008-05-30
        caption: "Table 2: what changed since the submission"
```

In Word it is `{{{{p table('changes', since='2008-05-30') }}}}` alone in a paragraph. An annex
is `annexes: [{{title: ..., table: NAME}}]` in the YAML, with the same options. What each
prints for the example report, as at {date}:

| table | options | what it is | what it prints as at {date} |
|---|---|---|---|
"""


def guide(data: DataSet) -> str:
    """The whole of docs/writing-reports.md for the data set."""
    report = sample_report(data, None, SAMPLE_REPORT)
    now, found = names(data, report)
    date = f"{now.as_at.day} {now.as_at:%B %Y}"
    out = [HEAD.format(example=EXAMPLE_NAME, yaml=EXAMPLE_YAML, sample=SAMPLE_REPORT, date=date)]
    for t in tables(data, report):
        options = ", ".join(f"`{o}`" for o in (*t["options"], "caption"))
        prints = _cell(_table_prints(t))
        out.append(f"| `{t['name']}` | {options} | {_cell(t['what'])} | {prints} |\n")
    out.append(f"""
## Names

Every name a narrative may write in `{{{{ }}}}`, and what it prints for the example report
(`{SAMPLE_REPORT}`, as at {date}; the meeting is {report.meeting_date.day} {report.meeting_date:%B %Y}).
`{{{{ n | words }}}}` writes a number from 0 to 20 in words ('eight'); the template engine's
own filters (`capitalize`, `lower`, `upper`) also work. A name the data does not have
fails `validate` and `build` with the file and line, the names allowed and the nearest.
Values marked (illustrative) come from data labelled illustrative.

| name | what it is | prints as at {date} |
|---|---|---|
""")
    for n in found:
        out.append(f"| `{{{{ {n.name} }}}}` | {_cell(n.what)} | {_cell(n.value) or '(empty)'} |\n")
    return "".join(out)


def _table_prints(t: dict) -> str:
    where = f" (with {t['sample']})" if t["sample"] else (f" (for {t['district']})" if t["district"] else "")
    if not t["tables"]:
        return f"{t['text'] or 'nothing'}{where}"
    many = f" in {t['tables']} tables" if t["tables"] > 1 else ""
    first = " / ".join(str(c) for c in t["first"] if c)
    return f"{t['rows']} rows{many}{where}; columns: {', '.join(t['columns'])}; first row: {first}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write(data_dir: Path, target: Path) -> None:
    from ..data.load import load

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(guide(load(data_dir)), encoding="utf-8")
