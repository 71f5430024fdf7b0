"""Report narratives: one YAML file a report under data/reports/.

A narrative holds the report's words; figures the data knows are written as
{{ name }} and filled from the computed values, in a sandbox where an unknown name is
an error naming the file and line, never a silently empty field.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, problem
from .narrative_parts import Block, Section, Text, UnknownName, sandbox
from .schema import REPORT
from .values import parse_date
from .yamlfile import LineDict, LineList, line_of, read_yaml

REPORT_KEYS = set(REPORT)
REQUIRED = {key for key, spec in REPORT.items() if spec.required}
SHORT_KEYS = {"title", "subject", "item_title", "council", "meeting", "author", "to", "classification_label", "district"}
MAX_SHORT = 200
BODY_KEYS = ("sections", "body")  # the body in the YAML, or in a Word file beside it (word_body.py)
BLOCK_KEYS = {"text", "table", "bullets", "numbered", "subheading"}
# What may stand beside `table:` in a paragraph or an annex; documents/narrative_tables.py
# builds the tables (schema.REPORT_TABLES names them) and checks each one's options.
TABLE_OPTIONS = ("caption", "since", "partner", "indicator", "district")
CLASSIFICATIONS = ("part1", "part2")
NUMBERING = ("headings", "paragraphs")


@dataclass
class Report:
    id: str
    file: str
    template: str
    as_at: dt.date
    meeting_date: dt.date
    classification: str
    numbering: str
    fields: dict[str, Text]  # single texts of the header block and signature
    lists: dict[str, list[Text]]  # by, recommendations, background_documents
    sections: list[Section]
    annexes: list[dict]
    district: str
    source: str
    line: int
    body_file: str = ""  # the Word file the body was read from, if any


def load_reports(data_dir: Path, problems: list[Problem]) -> list[Report]:
    folder = data_dir / "reports"
    if os.path.lexists(folder) and not folder.is_dir():
        problems.append(problem(str(folder), 0, "", "is not a folder (allowed: a reports folder of .yaml narratives, or none)"))
        return []
    if not folder.is_dir():
        return []
    reports = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yml", ".yaml") and p.suffix != ".yaml"):
        # A report saved as .yml (or .YAML) would be left out of every build without a word.
        problems.append(problem(str(path), 0, "", f"a report must be named {path.stem}.yaml (allowed: .yaml files in the reports folder)"))
    for path in sorted(folder.glob("*.yaml")):
        try:
            report = _load_report(path, str(path), problems)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if report:
            reports.append(report)
    return reports


def _load_report(path: Path, display: str, problems: list[Problem]) -> Report | None:
    doc = read_yaml(path, display)
    if not isinstance(doc, LineDict):
        problems.append(problem(display, 1, "", "expected a mapping of report fields (allowed: " + ", ".join(sorted(REQUIRED)) + ", ...)"))
        return None
    before = len(problems)
    for key in doc:
        if key not in REPORT_KEYS:
            problems.append(problem(display, line_of(doc, key), str(key), "unknown key (allowed: " + ", ".join(sorted(REPORT_KEYS)) + ")"))
    for key in sorted(REQUIRED - set(doc)):
        problems.append(problem(display, doc.line, key, "is missing (allowed: a report with " + ", ".join(sorted(REQUIRED)) + ")"))
    bodies = [k for k in BODY_KEYS if k in doc]
    if len(bodies) != 1:
        what = "has both sections and body" if bodies else "has no body"
        problems.append(problem(display, doc.line, "sections", f"the report {what} (allowed: sections: in this file, or body: NAME.docx, a Word file beside it)"))
    dates = {}
    for key in ("as_at", "meeting_date"):
        if key in doc:
            dates[key], error = parse_date(str(doc[key]))
            if error:
                problems.append(problem(display, line_of(doc, key), key, error))
    classification = str(doc.get("classification", ""))
    if classification not in CLASSIFICATIONS:
        problems.append(problem(display, line_of(doc, "classification"), "classification", f"unknown classification '{classification}' (allowed: part1, part2)"))
    numbering = str(doc.get("numbering", "headings"))
    if numbering not in NUMBERING:
        problems.append(problem(display, line_of(doc, "numbering"), "numbering", f"unknown numbering '{numbering}' (allowed: headings, paragraphs)"))
    elif numbering == "paragraphs" and not str(doc.get("item_number") or "").strip():
        # Sections number from the item ('1.1', '1.1.1'): without one they would read '.1'.
        problems.append(problem(display, line_of(doc, "numbering"), "item_number", "is missing: numbering 'paragraphs' numbers sections from the agenda item (allowed: item_number: 1, or numbering: headings)"))

    def text(node, key, column=None) -> Text:
        return Text(str(node[key]), display, line_of(node, key), column or str(key))

    scalar_keys = {"council", "meeting", "author", "to", "subject", "classification_label", "summary", "decision", "decision_type", "item_number", "item_title", "purpose", "title", "district", "source"}
    fields = {k: text(doc, k) for k in scalar_keys if k in doc and doc[k] is not None}
    for key in sorted(SHORT_KEYS & set(fields)):  # these become headings and document properties
        if len(fields[key].source) > MAX_SHORT:
            problems.append(problem(display, fields[key].line, key, f"is {len(fields[key].source)} characters long (allowed: at most {MAX_SHORT}; Word keeps 255 in a document's properties)"))
    for key in ("signature", "contact"):
        node = doc.get(key)
        if isinstance(node, LineDict):
            for sub in node:
                fields[f"{key}_{sub}"] = text(node, sub, f"{key}.{sub}")
    lists = {}
    for key in ("by", "recommendations", "background_documents"):
        node = doc.get(key)
        if node is None:
            continue
        if not isinstance(node, LineList):
            problems.append(problem(display, line_of(doc, key), key, "must be a list (allowed: one '- item' a line)"))
            continue
        lists[key] = [Text(str(v), display, line_of(node, i), f"{key}[{i + 1}]") for i, v in enumerate(node)]
    body_file = ""
    if "body" in doc:
        from .word_body import read_body

        body_file = str(doc["body"])
        sections = read_body(path.parent, body_file, str(Path(display).parent), problems, (display, line_of(doc, "body")))
    else:
        sections = _sections(doc.get("sections"), display, problems) if "sections" in doc else []
    annexes = []
    if not isinstance(doc.get("annexes") or LineList(), LineList):
        problems.append(problem(display, line_of(doc, "annexes"), "annexes", "must be a list (allowed: - title: ..., table: ...)"))
        doc["annexes"] = LineList()
    for index, annex in enumerate(doc.get("annexes") or []):
        where = f"annexes[{index + 1}]"
        if not isinstance(annex, LineDict) or "table" not in annex or "title" not in annex:
            problems.append(problem(display, line_of(doc.get("annexes"), index), where, "needs a title and a table (allowed: title: ..., table: ...)"))
            continue
        unknown = [k for k in annex if k not in ("title", "table", *TABLE_OPTIONS)]
        if unknown:
            problems.append(problem(display, line_of(annex, unknown[0]), f"{where}.{unknown[0]}", f"unknown key (allowed: title, table, {', '.join(TABLE_OPTIONS)})"))
            continue
        options = {k: annex[k] for k in annex if k in TABLE_OPTIONS and k != "caption"}
        annexes.append({"title": text(annex, "title", f"{where}.title"), "table": str(annex["table"]), "line": line_of(annex, "table"), "options": options})
    if len(problems) > before:
        return None
    return Report(
        id=path.stem, file=display, template=str(doc["template"]), as_at=dates["as_at"], meeting_date=dates["meeting_date"],
        classification=classification, numbering=numbering, fields=fields, lists=lists, sections=sections,
        annexes=annexes, district=str(doc.get("district") or ""), source=str(doc.get("source") or ""), line=doc.line,
        body_file=body_file,
    )


def _sections(node, display: str, problems: list[Problem]) -> list[Section]:
    if not isinstance(node, LineList):
        problems.append(problem(display, getattr(node, "line", 0), "sections", "must be a list of sections (allowed: - heading: ..., paragraphs: [...])"))
        return []
    sections = []
    for s_index, section in enumerate(node):
        where = f"sections[{s_index + 1}]"
        if not isinstance(section, LineDict) or "heading" not in section:
            problems.append(problem(display, line_of(node, s_index), where, "needs a heading (allowed: heading, paragraphs)"))
            continue
        for key in section:
            if key not in ("heading", "paragraphs"):
                problems.append(problem(display, line_of(section, key), f"{where}.{key}", "unknown key (allowed: heading, paragraphs)"))
        blocks = []
        paragraphs = section.get("paragraphs") or LineList()
        if not isinstance(paragraphs, LineList):
            problems.append(problem(display, line_of(section, "paragraphs"), f"{where}.paragraphs", "must be a list (allowed: one '- paragraph' a line)"))
            paragraphs = LineList()
        for p_index, item in enumerate(paragraphs):
            column = f"{where}.paragraphs[{p_index + 1}]"
            line = line_of(paragraphs, p_index)
            if isinstance(item, str):
                blocks.append(Block("text", [Text(item, display, line, column)]))
            elif isinstance(item, LineDict) and "table" in item and set(item) <= {"table", *TABLE_OPTIONS}:
                caption = Text(str(item["caption"]), display, line_of(item, "caption"), f"{column}.caption") if item.get("caption") else None
                options = {k: v for k, v in item.items() if k not in ("table", "caption")}
                where = Text("", display, line_of(item, "table"), column)
                blocks.append(Block("table", table=str(item["table"]), texts=[where], caption=caption, options=options))
            elif isinstance(item, LineDict) and len(item) == 1 and next(iter(item)) in BLOCK_KEYS:
                kind, value = next(iter(item.items()))
                if kind in ("bullets", "numbered") and isinstance(value, LineList):
                    blocks.append(Block(kind, [Text(str(v), display, line_of(value, i), f"{column}[{i + 1}]") for i, v in enumerate(value)]))
                else:
                    blocks.append(Block(kind, [Text(str(value), display, line, column)]))
            else:
                problems.append(problem(display, line, column, "unknown paragraph (allowed: text, or one of " + ", ".join(sorted(BLOCK_KEYS)) + "; beside a table: " + ", ".join(TABLE_OPTIONS) + ")"))
        sections.append(Section(Text(str(section["heading"]), display, line_of(section, "heading"), f"{where}.heading"), blocks))
    return sections


# --- filling in figures -----------------------------------------------------------


class NarrativeError(Exception):
    """A figure that cannot be given as asked (indicator(999)): the message is the user's."""


# What a narrative's {{ }} may hold: a figure, a part of one, a figure asked for with written
# values (indicator(163)), a filter that changes its case. No loops, sums or filter arguments: a sentence cannot then take hours to fill in
# or fill the disk ({{ 'x' * 10**10 }}, nested {% for %} over range(100000)).
FILTERS = ("words", "upper", "lower", "title", "capitalize", "trim")
MAX_FILLED = 20_000  # characters of one filled-in text; a long paragraph is 2,000
ALLOWED = "{{ name }}, {{ name.part }}, {{ name(value) }} or {{ name | filter }} of a computed figure (`ka2docs names` lists them), filters: " + ", ".join(FILTERS)


class _NotAllowed(Exception):
    pass


def _compile(env, source: str, callable_figures: set[str]):
    from jinja2 import nodes

    tree = env.parse(source)
    simple = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const)
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Filter) and node.name in FILTERS and not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs):
            continue
        if isinstance(node, nodes.Getattr) or (isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)):
            continue
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in callable_figures and not (node.dyn_args or node.dyn_kwargs) \
                and all(isinstance(a, nodes.Const) for a in node.args) and all(isinstance(k.value, nodes.Const) for k in node.kwargs):
            continue  # a figure asked for with written values: indicator(163), table('changes', since='2008-05-30')
        if isinstance(node, nodes.Keyword):
            continue
        if type(node) not in simple:
            raise _NotAllowed(f"{_describe(node)} is not allowed in a narrative")
    return env.from_string(tree)


def _describe(node) -> str:
    from jinja2 import nodes

    if isinstance(node, nodes.Filter):
        return f"filter '{node.name}'" + (" with arguments" if node.name in FILTERS else "")
    if isinstance(node, nodes.Stmt):
        return f"{{% {type(node).__name__.lower()} %}}"
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr | nodes.Concat):
        return f"arithmetic ('{getattr(node, 'operator', '~')}')"
    if isinstance(node, nodes.Call):
        return "calling a function"
    return f"'{type(node).__name__}'"


class Filler:
    """Renders narrative text against the computed figures, collecting every problem."""

    def __init__(self, figures: dict):
        self.figures = figures
        self.env = sandbox()
        self.problems: list[Problem] = []

    def __call__(self, text: Text) -> str:
        import jinja2

        if "{" not in text.source:
            return text.source
        try:
            filled = _compile(self.env, text.source, {k for k, v in self.figures.items() if callable(v)}).render(self.figures)
        except UnknownName as exc:
            self.problems.append(problem(text.file, text.line, text.column, self.unknown(exc)))
        except NarrativeError as exc:
            self.problems.append(problem(text.file, text.line, text.column, str(exc)))
        except _NotAllowed as exc:
            self.problems.append(problem(text.file, text.line, text.column, f"{exc} (allowed: {ALLOWED})"))
        except jinja2.TemplateError as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.problems.append(problem(text.file, text.line, text.column, f"cannot read a {{{{ }}}} figure: {_first_line(message)} (allowed: {ALLOWED})"))
        except TypeError as exc:  # a figure called wrongly: indicator() with no number
            self.problems.append(problem(text.file, text.line, text.column, f"cannot work out a figure: {exc} (allowed: the figures as `ka2docs names` shows them)"))
        except Exception as exc:  # noqa: BLE001 - a figure that cannot be shown this way, said where it was written
            self.problems.append(problem(text.file, text.line, text.column, f"cannot fill in {{{{ }}}}: {type(exc).__name__}: {_first_line(exc)} (allowed: {ALLOWED})"))
        else:
            if len(filled) <= MAX_FILLED:
                return filled
            self.problems.append(problem(text.file, text.line, text.column, f"fills in to {len(filled):,} characters (allowed: at most {MAX_FILLED:,})"))
        return ""

    def unknown(self, exc: UnknownName) -> str:
        """'unknown name 'agre'; did you mean 'agreed'? (allowed: ...)', for a name, a key or an attribute."""
        import difflib

        owner, name = exc.owner, str(exc.name)
        from jinja2 import Undefined
        from jinja2.utils import missing

        if owner is missing or isinstance(owner, Undefined):
            what, allowed = f"unknown name '{name}'", sorted(self.figures)
            shown = allowed
        else:
            label = getattr(owner, "_label", None) or next((k for k, v in self.figures.items() if v is owner), "this figure")
            allowed = sorted(map(str, owner)) if isinstance(owner, dict) else list(getattr(owner, "_names", ()))
            what = f"{label} has no '{name}'"
            if isinstance(owner, dict):  # as they are written: counts['under-discussion'], reward.estimate
                dotted = all(k.isidentifier() for k in allowed)
                shown = [f"{label}.{k}" if dotted else f"{label}['{k}']" for k in allowed]
            else:
                shown = allowed
        near = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        return f"{what}{hint} (allowed: {', '.join(shown) or 'none'})"


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]
