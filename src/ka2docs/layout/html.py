"""Self-contained HTML (a bulletin to paste into an e-mail) from a jinja2 template.

The template is a text file staff can restyle; it renders in a sandbox with every value
escaped and an unknown name as an error. Styles are inline and the chart is embedded
as a data: URI, so the page needs nothing from anywhere once pasted.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..errors import TemplateError, problem

BOLD = re.compile(r"\*\*(.+?)\*\*")


def preload() -> None:
    """The libraries a render uses, imported ahead (see documents.preload)."""
    from . import chart

    environment()
    chart.preload()


def environment():
    from jinja2 import StrictUndefined

    from .sandbox import LimitedSandbox

    env = LimitedSandbox(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["rich"] = rich
    return env


def rich(text) -> str:
    """Escaped text with **bold** as <strong> and line breaks as <br>."""
    from markupsafe import Markup, escape

    escaped = str(escape("" if text is None else text))
    return Markup(BOLD.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br>\n"))


def chart_uri(spec: dict) -> str:
    from . import chart

    return "data:image/png;base64," + base64.b64encode(chart.png(spec)).decode("ascii")


_COMPILED: dict[str, object] = {}  # template source -> compiled template, per process


def _compiled(source: str):
    """The template compiled once per process (a national build renders thousands)."""
    if source not in _COMPILED:
        if len(_COMPILED) >= 32:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[source] = environment().from_string(source)
    return _COMPILED[source]


MAX_TEMPLATE = 1_000_000  # the shipped page template is 6 kB


def read_template(template: Path) -> str:
    """The page template's text, refused when it is not a plain UTF-8 file of sensible size."""
    try:
        if not template.is_file() or template.stat().st_size > MAX_TEMPLATE:
            raise TemplateError([problem(str(template), 0, "", f"is not a file under {MAX_TEMPLATE // 1000} kB (allowed: a UTF-8 text file like the shipped template)")])
        return template.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError([problem(str(template), 0, "", f"cannot read HTML template: {exc} (allowed: a UTF-8 text file)")]) from None


def render(context: dict, template: Path, chart_src: str = "") -> bytes:
    """The page: the template filled from `context`, its chart (if any) embedded, or
    referred to by `chart_src` (an e-mail's cid: for the picture it carries)."""
    import jinja2

    source = read_template(template)
    values = {k: v for k, v in context.items() if k not in ("body", "properties", "submission", "submission_template")}
    if context.get("chart"):
        values["chart_src"] = chart_src or chart_uri(context["chart"])
    try:
        text = _compiled(source).render(values)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([problem(str(template), exc.lineno or 0, "tag", f"syntax error: {exc.message} (allowed: jinja tags as in the shipped template)")]) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc.message} (allowed: {', '.join(sorted(values))})")]) from None
    except jinja2.TemplateError as exc:
        raise TemplateError([problem(str(template), 0, "tag", f"{exc} (allowed: jinja tags as in the shipped template)")]) from None
    except (ArithmeticError, TypeError, ValueError, LookupError) as exc:  # {{ 1 / 0 }}, {{ title + 1 }} in a tag
        raise TemplateError([problem(str(template), 0, "tag", f"a tag cannot be filled in: {type(exc).__name__}: {exc} (allowed: jinja tags as in the shipped template)")]) from None
    return text.encode("utf-8")
