"""What the per-format checks share: quoting text for a message, and colour contrast."""

from __future__ import annotations

import re

from ..layout.ooxml import DC, W

MIN_CONTRAST = 4.5


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def quote(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= most else text[: most - 1] + "…") + '"'


# Colour contrast: WCAG 2.2 relative luminance.

HIGHLIGHTS = {
    "black": "000000", "blue": "0000FF", "cyan": "00FFFF", "green": "00FF00", "magenta": "FF00FF", "red": "FF0000",
    "yellow": "FFFF00", "white": "FFFFFF", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080", "lightGray": "C0C0C0",
}


def luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two RRGGBB colours, 1.0 to 21.0."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def hex_colour(value: str | None) -> str | None:
    """RRGGBB from a colour value; None for auto, theme-only or unreadable values."""
    if not value:
        return None
    value = value.strip().lstrip("#")
    if len(value) == 8:  # Excel's ARGB
        value = value[2:]
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return value.upper() if re.fullmatch(r"[0-9A-Fa-f]{6}", value) else None


def low_contrast(foreground: str | None, background: str | None) -> str | None:
    if foreground is None:
        return None
    background = background or "FFFFFF"
    ratio = contrast(foreground, background)
    if ratio < MIN_CONTRAST:
        return f"text {foreground} on {background} is {ratio:.1f}:1 (allowed: at least {MIN_CONTRAST}:1)"
    return None


def properties(core, language: str, style_language: str | None = None) -> list[tuple[str, str]]:
    """The title and language a file states in its properties (Word and Excel alike)."""
    found = []
    title = core.findtext(f"{DC}title") if core is not None else None
    if not (title or "").strip():
        found.append(("doc-title", "no title in the document properties (File > Info > Title)"))
    stated = (core.findtext(f"{DC}language") if core is not None else None) or ""
    if style_language and style_language.lower() != language.lower():
        found.append(("doc-language", f"default text language is '{style_language}' (allowed: {language})"))
    elif language.lower() not in (stated.lower(), (style_language or "").lower()):
        found.append(("doc-language", f"language is '{stated or 'not set'}' (allowed: {language} in the properties or the default text language)"))
    return found
