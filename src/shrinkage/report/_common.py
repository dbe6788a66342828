"""What the report's pages share: number formatting, the embedded figure and the version."""

from __future__ import annotations

import base64
import io
import math
import struct
from dataclasses import dataclass

#: resolution of the embedded PNGs; they are displayed at 96 / DPI of their pixel size, so
#: they are sharp on high-density screens and in print
DPI = 144


@dataclass
class Figure:
    """One embedded figure: its section id, title, caption, and the image (or why not)."""

    key: str
    title: str
    caption: str
    src: str | None = None
    width: int = 0
    height: int = 0
    error: str | None = None
    omitted: str | None = None


def _draw(figure: Figure, make) -> Figure:
    import matplotlib.pyplot as plt

    try:
        fig = make()
    except ValueError as e:
        figure.error = " ".join(str(e).split())
        return figure
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    finally:
        plt.close(fig)
    png = buf.getvalue()
    width, height = struct.unpack(">II", png[16:24])
    scale = 96.0 / DPI
    figure.width, figure.height = round(width * scale), round(height * scale)
    figure.src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return figure


def _fmt(x, digits: int = 4) -> str:
    """A number for a table: 4 significant digits, exact zeros as 0, NaN as a dash."""
    if x is None:
        return "-"
    x = float(x)
    if math.isnan(x):
        return "-"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def _version() -> str:
    from .. import __version__

    return __version__
