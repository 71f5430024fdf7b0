"""Charts as PNG bytes, from a plain chart spec, drawn with Pillow.

A spec is plain data, so a document's context stays JSON and the build can fingerprint
it. The same spec gives the same bytes: fixed size and DPI, a font shipped with the package
(DejaVu Sans, under formats/fonts with its licence), and no software name or date in the PNG.
The layout follows the matplotlib chart it replaced, drawn eight times faster.

    {"title": str, "categories": [str], "x_label": str, "y_label": str,
     "series": [{"label": str, "values": [int]}], "hatched": [bool] (optional),
     "hatch_label": str (optional), "width_in": float, "height_in": float}

A spec with "kind": "line" draws lines with markers instead (a monitoring trajectory and
the actuals against it): series values are numbers or None (no point), the y axis fits
the values rather than starting at 0.
"""

from __future__ import annotations

import functools
import json
import math
import struct
import zlib
from pathlib import Path

from .once import remembered

DPI = 150
# Okabe-Ito colours: told apart by readers with any common colour-vision deficiency.
COLOURS = ("#009E73", "#E69F00", "#0072B2", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

PT = DPI / 72  # pixels per typographic point
_FONT = Path(__file__).with_name("fonts") / "DejaVuSans.ttf"  # shipped with us: the same glyphs on every machine

_DRAWN: dict[str, bytes] = {}  # a bulletin's Word, HTML and e-mail copies share one drawing


def png(spec: dict) -> bytes:
    """The chart the spec describes, as PNG bytes."""
    return remembered(_DRAWN, json.dumps(spec, sort_keys=True), lambda: _draw(spec))


def preload() -> None:
    """Pillow and the chart's fonts, loaded ahead (see documents.preload)."""
    from PIL import Image, ImageDraw  # noqa: F401

    for points in (7, 8, 9):
        _font(points)


def _draw(spec: dict) -> bytes:
    from PIL import Image, ImageDraw

    if spec.get("kind") == "line":
        return _draw_lines(spec)

    categories, series = spec["categories"], spec["series"]
    hatched = spec.get("hatched") or [False] * len(categories)
    hatch_label = spec.get("hatch_label") if any(hatched) else None
    width, plot_height = spec.get("width_in", 7.0), spec.get("height_in", 2.6)
    under = 0.6 + 0.17 * (len(series) + bool(hatch_label))  # room for the x labels and the legend, in inches
    height = plot_height + under + 0.3
    image = Image.new("RGB", (round(width * DPI), round(height * DPI)), "white")
    draw = ImageDraw.Draw(image, "RGBA")  # RGBA: translucent fills blend over what is under them
    # The plot area, in pixels; the legend sits under it so long status labels never squeeze the bars.
    box = (round(0.08 * image.width), round(0.3 * DPI), round(0.98 * image.width), round((plot_height + 0.3) * DPI))
    totals = [sum(column) for column in zip(*(s["values"] for s in series))]
    top = max([*totals, 1]) * 1.05
    slots = max(len(categories), 3) + 0.2  # x runs from -0.6 to slots - 0.6, in bar positions

    def x(position: float) -> float:
        return box[0] + (position + 0.6) / slots * (box[2] - box[0])

    def y(value: float) -> float:
        return box[3] - value / top * (box[3] - box[1])

    _bars(image, draw, series, hatched, x, y)
    _axes(image, draw, spec, box, x, y, top)
    _legend(image, draw, series, hatch_label, box[0], box[3] + 0.55 * DPI)
    return _png(image)


def _png(image) -> bytes:
    """The RGB image as a PNG: its pixels, its resolution, nothing else (no software name, no date).

    Pillow's encoder tries every row filter on every row, half a chart's time; flat colours
    deflate well unfiltered, at a tenth larger files.
    """
    width, height = image.size
    stride = 3 * width
    pixels = memoryview(image.tobytes())
    deflate = zlib.compressobj(3)  # fed row by row: no copy of the whole image with the filter bytes in
    data = [deflate.compress(part) for n in range(0, stride * height, stride) for part in (b"\0", pixels[n : n + stride])]
    data.append(deflate.flush())
    per_metre = round(DPI / 0.0254)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        chunk(b"IDAT", b"".join(data)),
        chunk(b"IEND", b""),
    ))


def _bars(image, draw, series: list[dict], hatched: list[bool], x, y) -> None:
    """Stacked bars, 0.7 of a slot wide, each non-zero segment labelled with its count."""
    labels = []  # drawn after every bar, so no later segment covers a short one's label
    bottoms = [0] * len(hatched)
    for n, one in enumerate(series):
        for position, (value, bottom, hatch) in enumerate(zip(one["values"], bottoms, hatched)):
            if not value:
                continue
            rect = (round(x(position - 0.35)), round(y(bottom + value)), round(x(position + 0.35)), round(y(bottom)))
            draw.rectangle(rect, fill=COLOURS[n % len(COLOURS)])
            if hatch:
                _hatch(image, rect)
            draw.rectangle(rect, outline="white", width=1)  # a thin white edge parts the segments
            labels.append(((x(position), y(bottom + value / 2)), str(value)))
        bottoms = [b + v for b, v in zip(bottoms, one["values"])]
    for centre, text in labels:
        _boxed_text(draw, centre, text, _font(7))


def _boxed_text(draw, centre: tuple[float, float], text: str, font) -> None:
    """Text centred on a small white rounded box, readable over any colour or hatching."""
    left, top, right, bottom = font.getbbox(text)  # the ink, so digits sit in the middle of the box
    origin = (round(centre[0] - (left + right) / 2), round(centre[1] - (top + bottom) / 2))
    pad = round(0.2 * 7 * PT)  # matplotlib's 0.15 font sizes, and a little more: this box hugs the ink, not the line
    ink = (origin[0] + left - pad, origin[1] + top - pad, origin[0] + right + pad, origin[1] + bottom + pad)
    draw.rounded_rectangle(ink, radius=pad, fill=(255, 255, 255, 217))  # 85% opaque: a hint of the bar shows through
    draw.text(origin, text, fill="black", font=font)


def _hatch(image, rect: tuple[int, int, int, int]) -> None:
    """Diagonal "///" lines over the rectangle, continuous from one bar to the next."""
    mask = _hatch_mask(image.size).crop((rect[0], rect[1], rect[2] + 1, rect[3] + 1))
    image.paste("black", (rect[0], rect[1], rect[2] + 1, rect[3] + 1), mask)


def _axes(image, draw, spec: dict, box: tuple[int, int, int, int], x, y, top: float) -> None:
    """Left and bottom spines with ticks, tick labels, axis labels and the title."""
    left, upper, right, lower = box
    tick, gap, line = round(3.5 * PT), round(3.5 * PT), round(0.8 * PT)
    draw.line((left, upper, left, lower), fill="black", width=line)
    draw.line((left, lower, right, lower), fill="black", width=line)
    small, medium = _font(7), _font(8)
    label_x = left - tick - gap
    widest = 0
    for value in _ticks(top):
        draw.line((left - tick, round(y(value)), left, round(y(value))), fill="black", width=line)
        draw.text((label_x, y(value)), str(value), fill="black", font=medium, anchor="rm")
        widest = max(widest, draw.textlength(str(value), font=medium))
    label_bottom = lower
    for position, category in enumerate(spec["categories"]):
        draw.line((round(x(position)), lower, round(x(position)), lower + tick), fill="black", width=line)
        where = {"xy": (x(position), lower + tick + gap), "text": category, "font": small, "anchor": "ma", "align": "center", "spacing": round(0.2 * 7 * PT)}
        draw.multiline_text(**where, fill="black")
        label_bottom = max(label_bottom, draw.multiline_textbbox(**where)[3])  # the x label goes under the deepest
    draw.text(((left + right) / 2, label_bottom + 4 * PT), spec.get("x_label", ""), fill="black", font=small, anchor="ma")
    _vertical_text(image, (label_x - widest - 4 * PT, (upper + lower) / 2), spec.get("y_label", ""), medium)
    draw.text((left, upper - 6 * PT), spec.get("title", ""), fill="black", font=_font(9), anchor="ls")


def _vertical_text(image, right_middle: tuple[float, float], text: str, font) -> None:
    """Text turned 90° anticlockwise, its right edge and middle at the point given."""
    from PIL import Image, ImageDraw

    if not text:
        return
    left, top, right, bottom = font.getbbox(text)
    strip = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(strip).text((-left, -top), text, fill=255, font=font)
    strip = strip.transpose(Image.Transpose.ROTATE_90)
    image.paste("black", (round(right_middle[0] - strip.width), round(right_middle[1] - strip.height / 2)), strip)


def _legend(image, draw, series: list[dict], hatch_label: str | None, left: float, top: float) -> None:
    """One key per series, one a line, and a hatched white key when any bar is hatched."""
    font = _font(7)
    size = 7 * PT  # matplotlib's legend: keys 2 x 0.7 font sizes, 0.9 in from the anchor, 1.5 apart
    key_left, row_top = round(left + 0.9 * size), top + 0.9 * size
    labels = [s["label"] for s in series] + ([hatch_label] if hatch_label else [])
    for n, label in enumerate(labels):
        middle = row_top + n * 1.5 * size + size / 2
        key = (key_left, round(middle - 0.35 * size), round(key_left + 2 * size), round(middle + 0.35 * size))
        if n < len(series):
            draw.rectangle(key, fill=COLOURS[n % len(COLOURS)])
        else:
            _hatch(image, key)
            draw.rectangle(key, outline="black", width=round(PT))
        draw.text((key[2] + 0.8 * size, middle), label, fill="black", font=font, anchor="lm")


def _ticks(top: float) -> list[int]:
    """Whole-number ticks from 0, at most nine, a step of 1, 2, 2.5 or 5 times a power of ten."""
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power // 2, 5 * power):  # 5 * 1 // 2 is 2 again: no step of 2.5
            if int(top) // step <= 8:
                return list(range(0, int(top) + 1, step))
        power *= 10


@functools.cache
def _font(points: float):
    """DejaVu Sans at the given size: ours, else the system's, else Pillow's own."""
    from PIL import ImageFont

    size = points * PT
    for name in (_FONT, "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size, layout_engine=ImageFont.Layout.BASIC)  # BASIC: no libraqm, the same layout everywhere
        except OSError:
            continue
    return ImageFont.load_default(size)


@functools.cache
def _hatch_mask(size: tuple[int, int]):
    """An antialiased "///" pattern over the whole image, 9 lines an inch as matplotlib draws it."""
    from PIL import Image, ImageDraw

    tile, scale = DPI // 3, 4  # three lines a tile: the pattern repeats exactly
    big = Image.new("L", (tile * scale,) * 2, 0)
    pen = ImageDraw.Draw(big)
    for n in range(-3, 4):  # the lines that cross the tile, corners included
        offset = n * tile * scale / 3
        pen.line((0, offset + tile * scale, tile * scale, offset), fill=255, width=round(PT * scale))
    small = big.reduce(scale)
    mask = Image.new("L", size, 0)
    for left in range(0, size[0], tile):
        for top in range(0, size[1], tile):
            mask.paste(small, (left, top))
    return mask


# --- line charts ----------------------------------------------------------------------

MARKERS = ("circle", "square")
LINE_COLOURS = ("#0072B2", "#D55E00")  # Okabe-Ito blue and vermilion: apart for every reader


def _draw_lines(spec: dict) -> bytes:
    """Each series a line through its points (gaps where a value is None), each point marked."""
    from PIL import Image, ImageDraw

    categories, series = spec["categories"], spec["series"]
    width, plot_height = spec.get("width_in", 6.0), spec.get("height_in", 2.2)
    height = plot_height + 0.6 + 0.17 * len(series) + 0.3
    image = Image.new("RGB", (round(width * DPI), round(height * DPI)), "white")
    draw = ImageDraw.Draw(image, "RGBA")
    box = (round(0.12 * image.width), round(0.3 * DPI), round(0.97 * image.width), round((plot_height + 0.3) * DPI))
    values = [v for s in series for v in s["values"] if v is not None] or [0.0]
    low, high, step = _range(min(values), max(values))
    slots = max(len(categories), 2) - 1

    def x(position: float) -> float:
        return box[0] + (position + 0.3) / (slots + 0.6) * (box[2] - box[0])

    def y(value: float) -> float:
        return box[3] - (value - low) / (high - low) * (box[3] - box[1])

    line = round(0.8 * PT)
    for n, one in enumerate(series):
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        points = [(x(p), y(v)) for p, v in enumerate(one["values"]) if v is not None]
        runs, current = [], []
        for p, v in enumerate(one["values"]):
            if v is None:
                runs, current = runs + [current], []
            else:
                current.append((x(p), y(v)))
        for run in [*runs, current]:
            if len(run) > 1:
                draw.line(run, fill=colour, width=round(1.5 * PT), joint="curve")
        for px, py in points:
            r = 3 * PT
            shape = draw.ellipse if MARKERS[n % 2] == "circle" else draw.rectangle
            shape((px - r, py - r, px + r, py + r), fill=colour, outline="white")
    left, upper, right, lower = box
    draw.line((left, upper, left, lower), fill="black", width=line)
    draw.line((left, lower, right, lower), fill="black", width=line)
    small, medium = _font(7), _font(8)
    tick = round(3.5 * PT)
    widest = 0
    value = low
    while value <= high + step / 1000:
        label = _tick_text(value, step)
        draw.line((left - tick, round(y(value)), left, round(y(value))), fill="black", width=line)
        draw.text((left - 2 * tick, y(value)), label, fill="black", font=medium, anchor="rm")
        widest = max(widest, draw.textlength(label, font=medium))
        value += step
    for position, category in enumerate(categories):
        draw.line((round(x(position)), lower, round(x(position)), lower + tick), fill="black", width=line)
        draw.multiline_text((x(position), lower + 2 * tick), category, fill="black", font=small, anchor="ma", align="center")
    draw.text(((left + right) / 2, lower + 2 * tick + 12 * PT), spec.get("x_label", ""), fill="black", font=small, anchor="ma")
    _vertical_text(image, (left - 2 * tick - widest - 4 * PT, (upper + lower) / 2), spec.get("y_label", ""), medium)
    draw.text((left, upper - 6 * PT), spec.get("title", ""), fill="black", font=_font(9), anchor="ls")
    size = 7 * PT
    for n, one in enumerate(series):
        middle = lower + 0.55 * DPI + 0.9 * size + n * 1.5 * size + size / 2
        key_left = left + 0.9 * size
        colour = LINE_COLOURS[n % len(LINE_COLOURS)]
        draw.line((key_left, middle, key_left + 2 * size, middle), fill=colour, width=round(1.5 * PT))
        draw.text((key_left + 2.8 * size, middle), one["label"], fill="black", font=small, anchor="lm")
    return _png(image)


def _range(low: float, high: float) -> tuple[float, float, float]:
    """Axis limits a little beyond the values, on a step of 1, 2 or 5 times a power of ten."""
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    span = high - low
    step = 10 ** math.floor(math.log10(span / 5))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 6:
            step *= factor
            break
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if bottom > 0 and bottom - step < 0 <= low:
        bottom = 0.0
    return bottom, top if top > bottom else bottom + step, step


def _tick_text(value: float, step: float) -> str:
    places = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:,.{places}f}"
