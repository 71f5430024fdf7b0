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
from docx.shared import Cm, Pt, RGBColor, Twips

from ka2docs.layout.docx import PARAGRAPH_STYLES, TABLE_STYLE

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"
BLACK = RGBColor(0, 0, 0)
# What may follow <w:pBdr> inside <w:pPr> (CT_PPrBase, ECMA-376 Part 1, 17.3.1.26).
PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


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


def _report_header_footer(doc) -> None:
    """Committee reports: the Part 1 / Part 2 label top right on every page; meeting and page number below."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = 2  # right
    header.add_run("{{ classification_label }}").bold = True
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ footer }}\tPage ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = footer.add_run("1")  # the field's shown value until Word or LibreOffice updates it
    field.append(number._r)
    footer._p.append(field)
    for paragraph in (header, footer):
        for run in paragraph.runs:
            run.font.size = Pt(9)
    number.font.size = Pt(9)


def county_report() -> None:
    """Kent County Council's house style (seed 003): the By/To/Subject/Classification/Summary block."""
    doc = base("Arial", 12)
    _report_header_footer(doc)
    doc.styles["Table Text"].font.size = Pt(9)  # the Appendix has eight columns
    labels = (("By:", "{{ by }}"), ("To:", "{{ to }}"), ("Subject:", "{{ subject }}"), ("Classification:", "{{ classification_label }}"), ("Summary:", "{{ summary }}"))
    for label, tag in labels:
        paragraph = _para(doc)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
        paragraph.paragraph_format.left_indent = Cm(3.5)
        paragraph.paragraph_format.first_line_indent = Cm(-3.5)
        paragraph.add_run(label).bold = True
        paragraph.add_run("\t" + tag)
    decision = _para(doc, "{{ decision }}", bold=True)
    decision.paragraph_format.space_before = Pt(6)
    decision.paragraph_format.space_after = Pt(12)
    rule = OxmlElement("w:pBdr")  # the line under the header block
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    rule.append(bottom)
    # In schema order (before the spacing python-docx has already written), or Word's validator refuses the file.
    decision._p.get_or_add_pPr().insert_element_before(rule, *PPR_AFTER_BORDER)
    _para(doc, "{{p body }}")
    _save(doc, "county-report.docx")


def _paragraph_numbering(doc) -> None:
    """Headings and the ending as reports numbered by paragraph lay them out."""
    for level in (1, 2, 3):  # '1.1<tab>Background' lines up with the numbered paragraphs' text, wrapped lines too
        heading = doc.styles[f"Heading {level}"].paragraph_format
        heading.tab_stops.add_tab_stop(Cm(1.5))
        heading.left_indent, heading.first_line_indent = Cm(1.5), Cm(-1.5)
    default_tab = doc.settings.element.find(qn("w:defaultTabStop"))  # 'Background papers:<tab>contact: ...'
    if default_tab is None:
        default_tab = OxmlElement("w:defaultTabStop")
        doc.settings.element.append(default_tab)
    default_tab.set(qn("w:val"), str(int(Cm(5.0).twips)))


def committee_report() -> None:
    """Any council's report, a unitary's included: the council and meeting, then the
    By/To/Subject/Classification/Summary block; numbering and words come from the narrative."""
    doc = base("Arial", 12)
    _report_header_footer(doc)
    doc.styles["Table Text"].font.size = Pt(9)  # a submission appendix has eight columns
    _paragraph_numbering(doc)  # so that `numbering: paragraphs` lays out as well as `headings`
    _para(doc, "{{ council_upper }}", bold=True, size=14)
    _para(doc, "{{ meeting }} - {{ meeting_date }}", bold=True).paragraph_format.space_after = Pt(12)
    labels = (("By:", "{{ by }}"), ("To:", "{{ to }}"), ("Subject:", "{{ subject }}"), ("Classification:", "{{ classification_label }}"), ("Summary:", "{{ summary }}"))
    for label, tag in labels:
        paragraph = _para(doc)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(3.5))
        paragraph.paragraph_format.left_indent = Cm(3.5)
        paragraph.paragraph_format.first_line_indent = Cm(-3.5)
        paragraph.add_run(label).bold = True
        paragraph.add_run("\t" + tag)
    decision = _para(doc, "{{ decision }}", bold=True)
    decision.paragraph_format.space_before = Pt(6)
    decision.paragraph_format.space_after = Pt(12)
    _para(doc, "{{p body }}")
    _save(doc, "committee-report.docx")


def district_report() -> None:
    """A borough council's house style (seeds 000 and 002): centred heading block, item 1, paragraphs 1.1.1."""
    doc = base("Arial", 12)
    _report_header_footer(doc)
    _paragraph_numbering(doc)
    _para(doc, "{{ council_upper }}", bold=True, size=14).alignment = 1
    _para(doc, "{{ meeting_upper }}", bold=True).alignment = 1
    _para(doc, "{{ meeting_date }}", bold=True).alignment = 1
    _para(doc, "{{ author }}", bold=True).alignment = 1
    _para(doc, "{{ classification_label }}")
    _para(doc, "{{ decision_type }}", bold=True)
    _para(doc, "{{p body }}")
    _save(doc, "district-report.docx")


def plain_document(name: str, landscape: bool = False) -> None:
    doc = base("Arial", 11, landscape=landscape)
    _header_footer(doc, "{{ classification_label }}")
    _para(doc, "{{p body }}")
    _save(doc, name)


def bulletin() -> None:
    """The bulletin for print: its protective marking top right, 'Page X of Y' in the footer."""
    doc = base("Arial", 11)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = 2  # right
    header.add_run("{{ classification_label }}").bold = True
    footer = section.footer.paragraphs[0]
    stops = footer.paragraph_format.tab_stops
    for inherited in (Twips(4680), Twips(9360)):  # the Footer style's centre and right stops: cleared
        stops.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run("{{ footer }}\tPage ")
    numbers = [_field(footer, "PAGE", "1")]
    footer.add_run(" of ")
    numbers.append(_field(footer, "NUMPAGES", "1"))
    for run in (*header.runs, *footer.runs, *numbers):
        run.font.size = Pt(9)
    _para(doc, "{{p body }}")
    _save(doc, "bulletin.docx")


def _field(paragraph, instruction: str, shown: str):
    """A simple field (PAGE, NUMPAGES) at the paragraph's end; `shown` until Word or LibreOffice updates it."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = paragraph.add_run(shown)
    field.append(run._r)
    paragraph._p.append(field)
    return run


def _save(doc, name: str, folder: Path = OUT) -> None:
    """Save without what python-docx's default template carries and no document uses.

    Its styles.xml defines some 160 styles and stylesWithEffects.xml (a Word 2010
    leftover) repeats them: 0.8 MB of XML that every generated file would parse,
    copy and compress. Word recreates a built-in style when someone picks it.
    """
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.iterfind(qn("w:style"))}
    by_name = {s.find(qn("w:name")).get(qn("w:val")).lower(): s for s in by_id.values()}
    # Default styles and the ones the renderer names; then whatever those are based on or link to.
    wanted = [s for s in by_id.values() if s.get(qn("w:default")) == "1"]
    wanted += [by_name[name.lower()] for name in (*PARAGRAPH_STYLES, TABLE_STYLE, "Header", "Footer") if name.lower() in by_name]
    keep: set[str] = set()
    while wanted:
        style = wanted.pop()
        if style.get(qn("w:styleId")) in keep:
            continue
        keep.add(style.get(qn("w:styleId")))
        for link in ("w:basedOn", "w:next", "w:link"):
            ref = style.find(qn(link))
            if ref is not None and ref.get(qn("w:val")) in by_id:
                wanted.append(by_id[ref.get(qn("w:val"))])
    for style_id, style in by_id.items():
        if style_id not in keep:
            styles.remove(style)
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rel_id]
    for rel_id, rel in list(doc.part.package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del doc.part.package.rels[rel_id]
    doc.save(folder / name)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    county_report()
    committee_report()
    district_report()
    plain_document("local-action-plan.docx")
    bulletin()
    plain_document("refresh-schedule.docx", landscape=True)
    plain_document("monitoring-report.docx")
