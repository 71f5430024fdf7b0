"""layout/chart.py: the bars are drawn, to scale, in the series' colours."""

from __future__ import annotations

import io

from PIL import Image

from ka2docs.layout import chart


def _pixels_of(png: bytes, colour: str) -> int:
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(count for count, pixel in image.getcolors(maxcolors=1 << 20) if pixel == rgb)


def _spec(values: list[int]) -> dict:
    return {"title": "t", "categories": [f"{n}\n01/05" for n in range(len(values))], "x_label": "x", "y_label": "y",
            "series": [{"label": "Agreed", "values": values}]}


def test_each_bar_is_drawn_to_scale():
    """Two full bars cover twice the area of one: deleting the bars (the legend's key alone) fails this."""
    one = _pixels_of(chart.png(_spec([0, 10])), chart.COLOURS[0])
    two = _pixels_of(chart.png(_spec([10, 10])), chart.COLOURS[0])
    assert one > 5000, "a bar covers thousands of pixels"
    assert 1.8 < two / one < 2.2


def test_stacked_segments_take_their_share_of_the_bar():
    spec = {**_spec([3, 3]), "series": [{"label": "a", "values": [3, 3]}, {"label": "b", "values": [1, 3]}]}
    png = chart.png(spec)
    first, second = _pixels_of(png, chart.COLOURS[0]), _pixels_of(png, chart.COLOURS[1])
    assert 1.3 < first / second < 1.7  # 6 units against 4
