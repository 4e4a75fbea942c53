"""The Performance page's plots, drawn from docs/performance/results.json.

bench.py draws each plot as it measures and records what it drew in results.json, so the
plots can be drawn again, after a change here, without measuring anything:

    python bench/plots.py        (needs only matplotlib)

Each plot is an SVG sized for the page at a projector's 1024 px: its text is real text at
the page's body size, its background is transparent (the site inverts it in dark mode), and
the section's targets are written under the bars, PASS in green and MISS in red.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "performance"
WIDTH = 7.5  # inches: 540 pt, shown at 720 px, where 12 pt text is the page's 16 px
BODY = 12  # pt
INK, BAR = "#1f1f1f", "#3b7dd8"
VERDICT = {True: ("PASS", "#1a7f37"), False: ("MISS", "#cf222e")}


def figure_text(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 1 else f"{value:.2f}"


def draw(stem: str, plot: dict, targets: list[dict]) -> Path:
    """One horizontal bar chart, each bar's name above it, then the section's targets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rc = {
        "font.size": BODY,
        "svg.fonttype": "none",  # text stays text: sharp, searchable, the size the test reads
        "svg.hashsalt": stem,  # the same results draw the same file
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }
    values = plot["values"]
    mine = [t for t in targets if t["section"] == plot["section"]]
    notes = [textwrap.wrap(t["target"], 62) for t in mine]
    note_lines = sum(len(n) for n in notes)
    bars_height, notes_height = 0.62 * len(values) + 0.7, 0.25 * note_lines + 0.35
    with plt.rc_context(rc):
        fig, (ax, below) = plt.subplots(
            2,
            1,
            figsize=(WIDTH, bars_height + notes_height + 0.6),
            gridspec_kw={"height_ratios": [bars_height, notes_height]},
        )
        rows = range(len(values))
        ax.barh(rows, list(values.values()), height=0.45, color=BAR)
        ax.set_ylim(len(values) - 0.4, -1)
        ax.set_yticks([])
        ax.set_title(plot["title"], fontsize=BODY + 2, loc="left", pad=10)
        ax.set_xlabel(plot["unit"])
        if plot["log"]:  # ticks written as plain numbers, at the body's size
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(lambda value, _: f"{value:,g}")
            ax.xaxis.set_minor_formatter(lambda value, _: "")
        low = min(values.values()) / 2 if plot["log"] else 0
        ax.set_xlim(low, max(values.values()) * (4 if plot["log"] else 1.2))
        for row, (label, value) in zip(rows, values.items(), strict=True):
            ax.text(low, row - 0.32, label, va="bottom")
            ax.text(value, row, f" {figure_text(value)}", va="center")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        below.axis("off")
        line = 0
        for target, lines in zip(mine, notes, strict=True):
            word, colour = VERDICT[target["pass"]]
            offset = (0, -line * BODY * 1.35)
            below.annotate(
                word,
                (0, 1),
                xycoords="axes fraction",
                xytext=offset,
                textcoords="offset points",
                va="top",
                color=colour,
                weight="bold",
            )
            for i, text in enumerate(lines):
                below.annotate(
                    text,
                    (0, 1),
                    xycoords="axes fraction",
                    xytext=(BODY * 3.6, offset[1] - i * BODY * 1.35),
                    textcoords="offset points",
                    va="top",
                )
            line += len(lines)
        fig.tight_layout()
        path = OUT / f"{stem}.svg"
        fig.savefig(path, transparent=True, metadata={"Date": None})
        plt.close(fig)
    return path


def redraw(results: dict) -> list[Path]:
    """Every plot results.json records, drawn again."""
    if not results.get("plots"):
        sys.exit("results.json records no plots: run `nox -s bench` first")
    return [draw(stem, plot, results["targets"]) for stem, plot in results["plots"].items()]


if __name__ == "__main__":
    for path in redraw(json.loads((OUT / "results.json").read_text())):
        print(path.relative_to(OUT.parent.parent))
