"""Write the default Word templates under templates/docx/.

Run once to (re)create them; after that they belong to the councils' offices, who
restyle them in Word (fonts, spacing, header and footer, the house table style).
Running this again overwrites their changes.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"
BLACK = RGBColor(0, 0, 0)


def base(font: str, size: int, landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(size)
    normal.paragraph_format.space_after = Pt(6)
    _language(doc)
    for level, points in ((1, size + 2), (2, size + 1), (3, size)):
        heading = styles[f"Heading {level}"]
        heading.font.name, heading.font.size, heading.font.bold, heading.font.color.rgb = font, Pt(points), True, BLACK
        heading.font.italic = False
        heading.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.keep_with_next = True
        rfonts = heading.element.rPr.find(qn("w:rFonts"))
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if rfonts is not None and rfonts.get(qn(attr)) is not None:
                del rfonts.attrib[qn(attr)]
    numbered = styles.add_style("Numbered Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = normal
    numbered.paragraph_format.left_indent = Cm(1.5)
    numbered.paragraph_format.first_line_indent = Cm(-1.5)
    numbered.paragraph_format.tab_stops.add_tab_stop(Cm(1.5), WD_TAB_ALIGNMENT.LEFT)
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(size - 2)
    table_text.paragraph_format.space_after = Pt(0)
    caption = styles["Caption"]
    caption.font.color.rgb, caption.font.size, caption.font.italic = BLACK, Pt(size - 1), True
    table = styles.add_style("KA2 Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    return doc


def _language(doc) -> None:
    """en-GB for every run unless a run says otherwise (spell-check and screen readers)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "en-GB")


def _para(doc, text: str = "", style: str = "Normal", bold: bool = False, size: int | None = None):
    paragraph = doc.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def _header_footer(doc, header_text: str) -> None:
    section = doc.sections[0]
    section.header.paragraphs[0].text = header_text
    footer = section.footer.paragraphs[0]
    footer.text = "{{ footer }}"


def county_report() -> None:
    doc = base("Arial", 12)
    _header_footer(doc, "{{ classification_label }}")
    labels = (("By:", "{{ by }}"), ("To:", "{{ to }}"), ("Subject:", "{{ subject }}"), ("Classification:", "{{ classification_label }}"))
    for label, tag in labels:
        paragraph = _para(doc)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
        paragraph.paragraph_format.left_indent = Cm(3.5)
        paragraph.paragraph_format.first_line_indent = Cm(-3.5)
        paragraph.add_run(label).bold = True
        paragraph.add_run("\t" + tag)
    paragraph = _para(doc)
    paragraph.paragraph_format.left_indent = Cm(3.5)
    paragraph.paragraph_format.first_line_indent = Cm(-3.5)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
    paragraph.add_run("Summary:").bold = True
    paragraph.add_run("\t{{ summary }}")
    _para(doc, "{{ decision }}", bold=True)
    _para(doc, "{{p body }}")
    doc.save(OUT / "county-report.docx")


def district_report() -> None:
    doc = base("Arial", 12)
    _header_footer(doc, "{{ classification_label }}")
    _para(doc, "{{ council_upper }}", bold=True, size=14).alignment = 1
    _para(doc, "{{ meeting_upper }}", bold=True).alignment = 1
    _para(doc, "{{ meeting_date }}", bold=True).alignment = 1
    _para(doc, "{{ author }}", style="Heading 1").alignment = 1
    _para(doc, "{{ classification_label }}")
    _para(doc, "{{ decision_type }}", bold=True)
    _para(doc, "{{p body }}")
    doc.save(OUT / "district-report.docx")


def plain_document(name: str, landscape: bool = False) -> None:
    doc = base("Arial", 11, landscape=landscape)
    _header_footer(doc, "{{ classification_label }}")
    _para(doc, "{{p body }}")
    doc.save(OUT / name)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    county_report()
    district_report()
    plain_document("local-action-plan.docx")
    plain_document("bulletin.docx")
    plain_document("refresh-schedule.docx", landscape=True)
