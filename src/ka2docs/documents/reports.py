"""Committee reports: a narrative from data/reports/*.yaml, laid out with tables from the data.

A report is a dated snapshot. It is built once the build's as-at reaches the report's own
as-at, from the data as it stood on that date, so the May report keeps saying what it
said in May whatever the data learns later. Its prose figures and its tables come from
the same Position, so the text cannot contradict the tables.

Two house styles, chosen by the narrative's `numbering`:
- headings (county): '1. Introduction' headings, unnumbered paragraphs, signature, then
  the background documents;
- paragraphs (district): item '1 TITLE', sections '1.1', paragraphs '1.1.1', then the
  background papers and contact, then the signature.
"""

from __future__ import annotations

from ..data.narrative import Block, Filler, Report, Text
from ..errors import DataError, Problem, problem
from ..history import Position, position, summary
from ..layout import docx
from ..model import DataSet
from . import context, narrative_tables
from .context import ILLUSTRATIVE_NOTE, long_date
from .document import Document
from .table_cells import by_indicator, fitted_widths, measures

KIND = "committee-report"
FOLDER = "reports"
RECOMMENDATIONS = "Recommendations"
# Words a classification label may not carry, by classification (a public label on a private report misleads).
WRONG_LABEL_WORDS = {"part1": ("part 2", "private", "exempt"), "part2": ("part 1", "public", "unrestricted")}
# Usable width in cm of an A4 page with 2 cm margins, portrait and landscape.
PORTRAIT_CM, LANDSCAPE_CM = 17.0, 25.7
WIDE_TABLES = ("submission",)  # an annex holding one of these gets landscape pages


def documents(now: Position) -> list[Document]:
    """Every report whose own date has come, as at the build's date; every problem collected."""
    data, as_at = now.data, now.as_at
    problems: list[Problem] = []
    docs = []
    for report in data.reports:
        if report.as_at > as_at:
            continue
        built = _context(report, data, problems)
        if built is not None:
            docs.append(Document(f"{FOLDER}/{report.id}", KIND, f"docx/{report.template}.docx", built, docx.render, report.classification))
    if problems:
        raise DataError(problems)
    return docs


def report_figures(report: Report, now: Position) -> dict:
    """The figures a narrative may use: the data's (context.figures) and the report's own dates."""
    meeting = report.meeting_date
    return {
        **context.figures(now),
        "meeting_day": f"{meeting.day} {meeting:%B}",
        "meeting_date": long_date(meeting),
        **narrative_tables.extra_figures(now, report),
    }


def _context(report: Report, data: DataSet, problems: list[Problem]) -> dict | None:
    now = position(data, report.as_at)
    fill = Filler(report_figures(report, now))
    before = len(problems)
    district = _district(report, data, problems)
    fields = {key: fill(text) for key, text in report.fields.items()}
    label = fields.get("classification_label") or data.agreement.marking(report.classification)
    if any(word in label.lower() for word in WRONG_LABEL_WORDS[report.classification]):
        where = report.fields.get("classification_label")
        problems.append(problem(report.file, where.line if where else report.line, "classification_label",
                                f"'{label}' does not match classification {report.classification} (allowed: a label such as '{data.agreement.marking(report.classification)}')"))
    layout = _Layout(report, now, fill, district, problems)
    body = layout.body()
    problems.extend(fill.problems)
    if len(problems) > before:
        return None
    meeting = long_date(report.meeting_date)
    council, meeting_name = fields.get("council", ""), fields.get("meeting", "")
    return {
        "title": fields.get("title", ""),
        "council": council,
        "council_upper": council.upper(),
        "meeting": meeting_name,
        "meeting_upper": meeting_name.upper(),
        "meeting_date": meeting,
        "author": fields.get("author", ""),
        "by": "\n".join(fill(t) for t in report.lists.get("by", [])),
        "to": fields.get("to", ""),
        "subject": fields.get("subject", ""),
        "classification_label": label,
        "summary": fields.get("summary", ""),
        "decision": fields.get("decision", ""),
        "decision_type": fields.get("decision_type", ""),
        "footer": f"{council}: {meeting_name}, {meeting}",
        "body": body,
        "properties": {
            "title": fields.get("title", ""),
            "author": council,
            "subject": fields.get("subject") or fields.get("item_title", ""),
            "date": report.meeting_date.isoformat(),
            "category": label,
        },
    }


def _district(report: Report, data: DataSet, problems: list[Problem]) -> str:
    """The report's district, checked against districts.csv when a table needs it."""
    tables = [b.table for s in report.sections for b in s.blocks] + [a["table"] for a in report.annexes]
    options = [b.options for s in report.sections for b in s.blocks] + [a["options"] for a in report.annexes]
    needs = [t for t, o in zip(tables, options) if t in ("relevance", "local_action_plan") and not o.get("district")]
    name = report.district
    known = [d.district for d in data.districts]
    where = report.fields.get("district")
    if name and name not in known:
        problems.append(problem(report.file, where.line if where else report.line, "district", f"unknown district '{name}' (allowed: {', '.join(known) or 'none: districts.csv lists no district'})"))
        return ""
    if needs and not name:
        problems.append(problem(report.file, report.line, "district", f"the {needs[0]} table needs the report's district (allowed: district: one of {', '.join(known) or 'the districts in districts.csv'})"))
    return name


class _Layout:
    """Turns a narrative into body blocks in its house style, numbering as the seeds number."""

    def __init__(self, report: Report, now: Position, fill: Filler, district: str, problems: list[Problem]):
        self.report, self.now, self.fill, self.district, self.problems = report, now, fill, district, problems
        self.district_style = report.numbering == "paragraphs"

    def body(self) -> list[dict]:
        report, fill = self.report, self.fill
        blocks: list[dict] = []
        item = fill(report.fields["item_number"]) if "item_number" in report.fields else ""
        if self.district_style and "item_title" in report.fields:
            blocks.append({"kind": "heading", "level": 1, "text": f"{item}\t{fill(report.fields['item_title'])}".strip()})
        if "purpose" in report.fields:
            blocks.append({"kind": "paragraph", "text": fill(report.fields["purpose"])})
        sections = [(fill(s.heading), s.blocks) for s in report.sections]
        recommendations = report.lists.get("recommendations", [])
        for n, (heading, section_blocks) in enumerate(sections, start=1):
            blocks += self.section(self.number(item, n), heading, section_blocks)
        if recommendations:
            number = self.number(item, len(sections) + 1)
            blocks += self.section(number, RECOMMENDATIONS, [Block("numbered", list(recommendations))])
        blocks += self.ending()
        for annex in report.annexes:
            blocks += self.annex(annex)
        return blocks

    def number(self, item: str, n: int) -> str:
        return f"{item}.{n}" if self.district_style else f"{n}."

    def section(self, number: str, heading: str, section_blocks: list[Block]) -> list[dict]:
        level = 2 if self.district_style else 1
        out = [{"kind": "heading", "level": level, "text": f"{number}\t{heading}" if self.district_style else f"{number} {heading}"}]
        counter = 0

        def next_number() -> str:
            nonlocal counter
            counter += 1
            return f"{number}.{counter}"

        for block in section_blocks:
            if block.kind == "text":
                text = self.fill(block.texts[0])
                out.append({"kind": "paragraph", "text": text, **({"number": next_number()} if self.district_style else {})})
            elif block.kind == "subheading":
                out.append({"kind": "heading", "level": level + 1, "text": self.fill(block.texts[0])})
            elif block.kind == "bullets":
                out.append({"kind": "bullets", "items": [self.fill(t) for t in block.texts]})
            elif block.kind == "numbered":
                for n, text in enumerate(block.texts, start=1):
                    out.append({"kind": "paragraph", "text": self.fill(text), "number": next_number() if self.district_style else f"{n}."})
            elif block.kind == "table":
                caption = self.fill(block.caption) if block.caption else ""
                out += self.table(block.table, block.texts[0], caption, options=block.options)
        return out

    def ending(self) -> list[dict]:
        """Signature, contact and background documents where each house style puts them."""
        fields, fill = self.report.fields, self.fill
        signature = [fill(fields[k]) for k in ("signature_name", "signature_title") if k in fields] + [
            fill(fields[k]) for k in sorted(fields) if k.startswith("signature_") and k not in ("signature_name", "signature_title")
        ]
        contact = {k.removeprefix("contact_"): fill(v) for k, v in fields.items() if k.startswith("contact_")}
        documents = [fill(t) for t in self.report.lists.get("background_documents", [])]
        out: list[dict] = []
        if self.district_style:
            line = "Background papers:" + (f"\tcontact: {contact['name']}" if contact.get("name") else "")
            out.append({"kind": "paragraph", "text": line, "keep_with_next": True})
            out += [{"kind": "paragraph", "text": d, "keep_with_next": bool(signature)} for d in documents]
            if signature:
                out.append({"kind": "paragraph", "text": "\n".join(signature)})
            return out
        lines = signature + [contact[k] for k in ("name", "phone", "email") if contact.get(k)]
        if lines:
            out.append({"kind": "paragraph", "text": "\n".join(lines)})
        if documents:
            out.append({"kind": "heading", "level": 1, "text": "Background Documents:"})
            out += [{"kind": "paragraph", "text": d, "number": f"{n}.", "keep_with_next": n < len(documents)} for n, d in enumerate(documents, start=1)]
        return out

    def annex(self, annex: dict) -> list[dict]:
        title = self.fill(annex["title"])
        where = Text("", self.report.file, annex["line"], "annexes")
        wide = annex["table"] in WIDE_TABLES
        start = [{"kind": "section", "orientation": "landscape"}] if wide else [{"kind": "page_break"}]
        width = LANDSCAPE_CM if wide else PORTRAIT_CM
        return [*start, {"kind": "heading", "level": 1, "text": title}, *self.table(annex["table"], where, "", width, annex["options"])]

    # --- the tables a narrative may name (narrative_tables.TABLES) -----------------

    def table(self, name: str, where: Text, caption: str, width: float = PORTRAIT_CM, options: dict | None = None) -> list[dict]:
        blocks = narrative_tables.build(self, name, options or {}, where, width)
        if caption:
            for block in reversed(blocks):
                if block["kind"] == "table":
                    block["caption"] = caption
                    break
        return blocks

    def position_summary(self, width: float) -> list[dict]:
        """The section 7 table: each status of the negotiated set with its count, the total, then the other sets."""
        table = summary(self.now)
        rows = [list(cells) for cells in context.summary_cells(table)]
        emphasis = [n for n, row in enumerate(table.rows) if row.kind == "total"]
        return [{"kind": "table", "columns": ["Position on target-setting", "Indicators"], "rows": rows, "widths": [width - 4.0, 4.0], "emphasis_rows": emphasis}]

    def submission(self, width: float) -> list[dict]:
        """The draft submission template (the same context as the GOSE spreadsheet), one row per indicator.

        A block whose rows all share one status and note (the DCSF block) says them once
        under its heading and lists only what differs, a line a row.
        """
        ctx = context.submission(self.now, part2=self.report.classification == "part2")
        years = ctx["years"]
        columns = [
            "Indicator (NI number and title)", "Baseline", *years, "Whole period",
            "Partners who have signed-up to the target (lead partner/s shown with a *)", "Status / commentary",
        ]
        blocks: list[dict] = []
        if ctx["illustrative_note"]:
            blocks.append({"kind": "paragraph", "text": ctx["illustrative_note"], "style": "Caption"})
        full_rows: list[list[str]] = []
        for (code, _), group in zip(self.now.groups(), ctx["groups"]):
            indicators = by_indicator(group["rows"])
            # A set's `note` (agreement.yaml) is said once, under its heading, in place of the
            # same commentary on each of its rows; other commentary stays on its row.
            is_set = any(code is s for s in self.now.agreement.sets)  # the negotiated set comes by theme
            shared = str(code.get("note") or "").strip() if is_set else ""
            blocks.append({"kind": "heading", "level": 2, "text": group["heading"], "keep_with_next": True})
            if shared:
                blocks.append({"kind": "paragraph", "text": shared, "keep_with_next": True})
            if shared and _shared(indicators):
                # Every row says the note and nothing else: one line a row, indicator and partners.
                rows = [[lines[0]["indicator"], lines[0]["partners"]] for lines in indicators]
                blocks.append({"kind": "table", "columns": [columns[0], columns[-2]], "rows": rows, "split_rows": True, "compact": True})
                continue
            rows = []
            for lines in indicators:
                first = lines[0]
                status = f"**{first['status']}**" if first["status"] else ""
                # the set's note, whatever date it is shown with, is said under the heading
                commentary = "" if shared and first["commentary"].startswith(shared) else first["commentary"]
                rows.append([
                    first["indicator"],
                    measures(lines, lambda r: r["baseline"]),
                    *[measures(lines, lambda r, n=n: _starred(r["targets"][n], r["target_stars"][n])) for n in range(len(years))],
                    measures(lines, lambda r: _starred(r["period"], r["period_star"])),
                    first["partners"],
                    "\n".join(t for t in (status, commentary) if t),
                ])
            full_rows += rows
            # Rows may run on to the next page: a tall row kept whole leaves the page before half empty.
            blocks.append({"kind": "table", "columns": columns, "rows": rows, "split_rows": True})
        # One set of widths for every full table of the appendix, shared out by how much each column holds;
        # the indicator's title never narrower than a third of its length a line (no title on twelve lines).
        widths = fitted_widths(columns, full_rows, width, firsts={0: 4.4})
        compact = [width - 8.0, 8.0]
        for block in blocks:
            if block["kind"] == "table":
                block["widths"] = compact if block.pop("compact", False) else widths
        return blocks

    def relevance(self, width: float) -> list[dict]:
        """How far each selected indicator relates to the district council's core work."""
        now, data = self.now, self.now.data
        if not self.district:
            return []
        district = next(d for d in data.districts if d.district == self.district)
        ratings = now.relevance(self.district)
        indicators = [i for i in now.indicators if i.set == now.main_set or i.ni in ratings]

        mark = context.marker(now)

        rows = []
        for indicator in indicators:
            record = ratings.get(indicator.ni)
            theme = now.agreement.label("themes", indicator.theme) if indicator.theme else now.agreement.label("sets", indicator.set)
            rows.append([
                f"NI {indicator.ni} {indicator.title}",
                theme,
                mark(now.agreement.label("relevance_levels", record.relevance), record) if record else "Not yet assessed",
                mark(record.note, record) if record else "",
            ])
        blocks: list[dict] = []
        if any(data.is_illustrative(r.source) for r in ratings.values()):
            blocks.append({"kind": "paragraph", "text": ILLUSTRATIVE_NOTE, "style": "Caption"})
        blocks.append({"kind": "paragraph", "text": f"How far each indicator relates to the core work of {district.council}."})
        columns = ["Indicator", "Theme", "Relevance", "Note"]
        blocks.append({"kind": "table", "columns": columns, "rows": rows, "widths": [w * width / PORTRAIT_CM for w in (5.2, 3.0, 3.8, 5.0)]})
        return blocks




def _shared(indicators: list[list[dict]]) -> bool:
    """Every row of a block has the same status and note and no figures (the DCSF block)."""
    if len(indicators) < 2:
        return False
    said = {(lines[0]["status"], lines[0]["commentary"]) for lines in indicators}
    empty = all(not (r["baseline"] or r["period"] or any(r["targets"])) for lines in indicators for r in lines)
    return len(said) == 1 and empty


def _starred(value: str, star: str) -> str:
    return f"{value} {star}" if value and star else value


def check_reports(data) -> None:
    """Every narrative filled and laid out as a build would, each as at its own date, without
    rendering: `validate` then reports an unknown name or table before any build."""
    problems: list = []
    for report in data.reports:
        _context(report, data, problems)
    if problems:
        raise DataError(problems)
