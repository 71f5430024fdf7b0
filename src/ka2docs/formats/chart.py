"""Charts as PNG bytes, from a plain chart spec (the only module that imports matplotlib).

A spec is plain data, so a document's context stays JSON and the build can fingerprint
it. The same spec gives the same bytes: fixed size and DPI, matplotlib's own defaults
(never a user's matplotlibrc), and no software name or date in the PNG's metadata.

    {"title": str, "categories": [str], "x_label": str, "y_label": str,
     "series": [{"label": str, "values": [int]}], "hatched": [bool] (optional),
     "hatch_label": str (optional), "width_in": float, "height_in": float}
"""

from __future__ import annotations

import io
import json

DPI = 150
# Okabe-Ito colours: told apart by readers with any common colour-vision deficiency.
COLOURS = ("#009E73", "#E69F00", "#0072B2", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


_DRAWN: dict[str, bytes] = {}  # a bulletin's Word and HTML copies share one drawing
_DRAWN_MAX = 64


def png(spec: dict) -> bytes:
    """The chart the spec describes, as PNG bytes."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _DRAWN:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = _draw(spec)
    return _DRAWN[key]


def _draw(spec: dict) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display; a no-op if already Agg
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # inside the context: the user's matplotlibrc never shapes our files
        matplotlib.rcParams["font.size"] = 8
        width, plot_height = spec.get("width_in", 7.0), spec.get("height_in", 2.6)
        entries = len(spec["series"]) + (1 if any(spec.get("hatched") or []) and spec.get("hatch_label") else 0)
        under = 0.6 + 0.17 * entries  # room for the x labels and the legend, in inches
        height = plot_height + under + 0.3
        figure = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot(1, 1, 1)
        categories = spec["categories"]
        positions = list(range(len(categories)))
        hatched = spec.get("hatched") or [False] * len(categories)
        bottoms = [0] * len(categories)
        for n, series in enumerate(spec["series"]):
            values = series["values"]
            bars = axes.bar(positions, values, bottom=bottoms, color=COLOURS[n % len(COLOURS)], edgecolor="white", linewidth=0.5, label=series["label"], width=0.7)
            for bar, hatch in zip(bars, hatched):
                if hatch:
                    bar.set_hatch("///")
            for x, (value, bottom) in enumerate(zip(values, bottoms)):
                if value:
                    axes.text(x, bottom + value / 2, str(value), ha="center", va="center", fontsize=7, color="black",
                              bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
            bottoms = [b + v for b, v in zip(bottoms, values)]
        axes.set_xticks(positions)
        axes.set_xticklabels(categories, fontsize=7)
        axes.set_xlim(-0.6, max(len(categories), 3) - 0.4)
        axes.set_ylim(0, max([*bottoms, 1]) * 1.05)
        axes.set_ylabel(spec.get("y_label", ""))
        axes.set_xlabel(spec.get("x_label", ""), fontsize=7)
        axes.set_title(spec.get("title", ""), fontsize=9, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
        handles, labels = axes.get_legend_handles_labels()
        if any(hatched) and spec.get("hatch_label"):
            handles.append(Patch(facecolor="white", edgecolor="black", hatch="///", label=spec["hatch_label"]))
            labels.append(spec["hatch_label"])
        # The legend sits under the plot so long status labels never squeeze the bars.
        figure.subplots_adjust(left=0.08, right=0.98, top=1 - 0.3 / height, bottom=under / height)
        axes.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, -0.55 / plot_height), ncol=1, fontsize=7, frameon=False)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
