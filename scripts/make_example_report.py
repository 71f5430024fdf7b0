"""Write the Word body of the example report, data/reports/kcc-cabinet-2008-12-15.docx.

Kent County Council Cabinet, December 2008, 'Kent Agreement 2: the December refresh'.
The source papers hold no such report, so its words are illustrative (the document says
so in its first paragraph); every figure and table is a {{ }} tag filled from the data.
The header block, recommendations and contact are in kcc-cabinet-2008-12-15.yaml.

The body is written in the county report's house styles, as an officer would write it in
Word; rerunning the script gives the same bytes.
"""

import io
import sys
from pathlib import Path

from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_docx_templates import _save, base

from ka2docs.layout import zipfile_

OUT = Path(__file__).resolve().parent.parent / "data" / "reports"
NAME = "kcc-cabinet-2008-12-15.docx"

# (style, text); **bold** as in the YAML route.
BODY = [
    ("Heading 1", "Introduction"),
    ("Normal", (
        "**This is an illustrative report.** No Cabinet report on the December 2008 refresh is among the "
        "source papers, so its wording is an example of what such a report says. Its figures and tables are "
        "the agreement's own; a value marked (illustrative) comes from data that is itself an example."
    )),
    ("Normal", (
        "{{ agreement }}, Kent's second Local Area Agreement, was submitted to the {{ government_office }} "
        "({{ government_office_short }}) on {{ refresh.submitted }}. The agreement allows for a refresh each year; the first, "
        "the {{ refresh.label }}, began on {{ refresh.date }}. This report tells Cabinet what the refresh has "
        "changed and asks Cabinet to note the refresh schedule."
    )),
    ("Heading 1", "The position on target-setting"),
    ("Normal", (
        "As at {{ as_at_long }}, {{ counts['agreed'] }} of the {{ indicators }} negotiated indicators have "
        "baselines and targets agreed with GOSE, against {{ refresh.counts['agreed'] }} at the submission. "
        "{{ counts['under-discussion'] | words | capitalize }} are still under discussion with GOSE and "
        "{{ counts['after-deadline'] | words }} could not be agreed before the end of May. The {{ sets['dcsf'].count }} "
        "statutory education and early years indicators are agreed with the DCSF each year."
    )),
    ("Normal", "{{p table('position_summary') }}"),
    ("Caption", "Table 1: the position on target-setting as at {{ as_at_long }}"),
    ("Heading 1", "What the refresh has changed"),
    ("Normal", (
        "Between the submission and {{ as_at_long }} the refresh schedule records {{ refresh.changes }} "
        "changes: {{ refresh.statuses }} of status, {{ refresh.baselines }} baselines, {{ refresh.targets }} "
        "targets, {{ refresh.designations | words }} designation and {{ refresh.signups | words }} sign-up. "
        "Table 2 lists them all."
    )),
    ("Normal", "{{p table('changes', since='2008-05-30') }}"),
    ("Caption", "Table 2: changes between the submission on {{ refresh.submitted }} and {{ as_at_long }}"),
    ("Heading 2", "Biodiversity"),
    ("Normal", (
        "For {{ indicator(197) }}, Kent and GOSE have agreed the cumulative option discussed in May: from a "
        "baseline of {{ indicator(197).baseline }}, the target for 2010/11 is now "
        "{{ indicator(197).targets['10/11'] }}. The lead is {{ indicator(197).lead }}."
    )),
    ("Heading 2", "Fuel poverty"),
    ("Normal", (
        "The technical guidance for {{ indicator(187) }} has been published, and its status is now "
        "'{{ indicator(187).status }}'. Its baseline reads '{{ indicator(187).baseline }}'; the lead is "
        "{{ indicator(187).lead }}."
    )),
    ("Heading 1", "Partners"),
    ("Normal", (
        "{{ partners_signed }} partners have signed up to at least one indicator, {{ signups }} sign-ups in "
        "all. Sport England, one of the bodies named in the Act that had signed up to nothing at the "
        "submission, has since joined the agreement:"
    )),
    ("Normal", "{{p table('signups', partner='Sport England') }}"),
    ("Caption", "Table 3: Sport England's sign-ups as at {{ as_at_long }}"),
    ("Heading 1", "Next steps"),
    ("Normal", "Once Cabinet has noted it:"),
    ("List Bullet", "the refresh schedule goes to GOSE as the agreement's record of the refresh;"),
    ("List Bullet", "the {{ counts['after-deadline'] | words }} indicators still awaiting data come back to Cabinet at the next refresh;"),
    ("List Bullet", "each district's Local Strategic Partnership is sent the schedule for its Local Action Plan."),
]


def make() -> bytes:
    doc = base("Arial", 12)
    doc.core_properties.title = "Kent Agreement 2: the December refresh (report body)"
    doc.core_properties.author = "Kent County Council"
    for style, text in BODY:
        paragraph = doc.add_paragraph(style=style)
        for n, part in enumerate(text.split("**")):
            if part:
                run = paragraph.add_run(part)
                run.bold = bool(n % 2) or None
    doc.styles["Table Text"].font.size = Pt(9)
    out = io.BytesIO()
    folder = OUT / ".tmp-body"
    folder.mkdir(exist_ok=True)
    _save(doc, NAME, folder)  # the templates' own trimming of unused styles
    data = (folder / NAME).read_bytes()
    (folder / NAME).unlink()
    folder.rmdir()
    out.write(data)
    return zipfile_.normalise(out.getvalue())


if __name__ == "__main__":
    (OUT / NAME).write_bytes(make())
    print(OUT / NAME)
