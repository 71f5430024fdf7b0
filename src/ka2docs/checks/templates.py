"""`ka2docs templates`: what each template (Word, Excel, HTML) asks for, and what the data gives it.

Staff restyle templates in Word and Excel and may add or mistype a tag. For each template
file this lists the names its tags use, compares them with the contexts of the documents
that use the template as at a date (documents.plan), and renders one of those documents
for real, so a tag the data cannot fill or a syntax error is found before a build.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, TemplateError, problem

# Template files by suffix: Word, Excel, and the jinja text of an HTML page.
SUFFIXES = {".docx": "docx", ".xlsx": "xlsx", ".j2": "html"}
# How the renderers name a tag the data cannot fill (xlsx: unknown field {{ x }}; jinja: 'x' is undefined).
UNFILLED = re.compile(r"unknown field \{\{ ([\w.]+) \}\}|'([\w.]+)' is undefined")


@dataclass
class TemplateCheck:
    template: str  # relative to the templates folder, as documents name it: docx/county-report.docx
    format: str
    variables: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # ids of the documents using it as at the date
    missing: list[str] = field(default_factory=list)  # names no document's data provides
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(templates: Path, data_dir: Path, as_at: dt.date, strict: bool = False) -> list[TemplateCheck]:
    """Every template file under `templates` (Word, Excel, HTML; and any a document names that is missing), in name order."""
    from ..documents.plan import plan
    from ..validate import check as check_data

    templates = Path(templates)
    if not templates.is_dir():
        raise TemplateError([problem(str(templates), 0, "", "no such templates folder (allowed: a folder holding docx/ and xlsx/ templates)")])
    data = check_data(data_dir, as_at, strict=strict)  # as a build reads it: warnings do not stop the check
    documents = plan(data, as_at)
    names = {p.relative_to(templates).as_posix() for p in templates.rglob("*") if p.suffix in SUFFIXES and not p.name.startswith("~$")}
    names |= {d.template for d in documents}
    return [_check_one(templates, name, [d for d in documents if d.template == name]) for name in sorted(names)]


def _check_one(templates: Path, name: str, users: list) -> TemplateCheck:
    path = templates / name
    fmt = users[0].format if users else SUFFIXES.get(Path(name).suffix, "")
    result = TemplateCheck(name, fmt, documents=list(dict.fromkeys(d.id + (" (part 2)" if d.classification == "part2" else "") for d in users)))
    if not path.is_file():
        result.problems.append(problem(str(path), 0, "", "template file is missing (allowed: the shipped templates, restyled)"))
        return result
    try:
        result.variables = sorted(_variables(path, result.format))
    except TemplateError as exc:
        result.problems.extend(exc.problems)
        return result
    if not users:
        return result
    if result.format == "docx":
        # docxtpl fills tags from the context's top-level names; 'properties' go to File > Properties.
        provided = set().union(*(set(d.context) - {"properties"} for d in users))
        result.missing = [v for v in result.variables if v not in provided]
        result.problems += [
            problem(str(path), 0, "tag", f"{{{{ {v} }}}} is not provided by the data (allowed: {', '.join(sorted(provided))})") for v in result.missing
        ]
    if not result.problems:
        _trial_render(path, templates, users[0], result)
    return result


def _variables(path: Path, fmt: str) -> set[str]:
    if fmt == "docx":
        from ..layout import docx

        return docx.template_variables(path)
    if fmt == "xlsx":
        from ..layout import xlsx

        return xlsx.template_fields(path)
    return _jinja_variables(path)


def _jinja_variables(path: Path) -> set[str]:
    """The names a jinja text template (the HTML bulletin) uses, read the way its renderer reads it."""
    import jinja2
    from jinja2 import meta

    from ..layout import html

    source = html.read_template(path)
    try:
        return set(meta.find_undeclared_variables(html.environment().parse(source)))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([problem(str(path), exc.lineno or 0, "tag", f"syntax error: {exc.message} (allowed: jinja tags as in the shipped template)")]) from None


def _trial_render(path: Path, templates: Path, document, result: TemplateCheck) -> None:
    """Render one real document: the renderer is the final word on what a template can be given."""
    try:
        document.render(templates)
    except TemplateError as exc:
        result.problems.extend(exc.problems)
        found = {m.group(1) or m.group(2) for p in exc.problems for m in [UNFILLED.search(p.message)] if m}
        result.missing = [v for v in result.variables if v in found] or result.missing
