"""Bar charts of the analysis tables, with a font that has Japanese glyphs.

matplotlib's default font (DejaVu Sans) has no kana or kanji, so product names would
show as boxes; the first installed CJK font is put first in `font.sans-serif` when a
chart is drawn, so a notebook needs no font settings of its own.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from migrator.errors import AnalysisError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CJK_FONTS = ("IPAexGothic", "IPAPGothic", "IPAGothic", "Noto Sans CJK JP", "Noto Sans JP",
             "Source Han Sans JP", "TakaoGothic", "VL Gothic", "Hiragino Sans", "Yu Gothic",
             "Meiryo", "MS Gothic")
"""Fonts with Japanese glyphs, preferred first (fonts-ipafont-gothic, fonts-noto-cjk...)."""


def japanese_font() -> str | None:
    """Put the first installed font of CJK_FONTS first in matplotlib's sans-serif list.

    Returns its name, or None (with a warning) when no such font is installed.
    """
    from matplotlib import font_manager, rcParams

    installed = {font.name for font in font_manager.fontManager.ttflist}
    name = next((f for f in CJK_FONTS if f in installed), None)
    if name is None:  # matplotlib's cached list may predate the font: look on disk once
        installed |= _fonts_added_since_the_cache(font_manager)
        name = next((f for f in CJK_FONTS if f in installed), None)
    if name is None:
        warnings.warn("no Japanese font found, so Japanese labels show as boxes; install "
                      "fonts-ipafont-gothic or fonts-noto-cjk", stacklevel=2)
        return None
    rcParams["font.sans-serif"] = [name, *(f for f in rcParams["font.sans-serif"] if f != name)]
    return name


def _fonts_added_since_the_cache(font_manager: Any) -> set[str]:
    """Add the system's fonts missing from matplotlib's cached list; their names."""
    manager = font_manager.fontManager
    known = {font.fname for font in manager.ttflist}
    added = set()
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a font file it cannot read
                continue
            added.add(manager.ttflist[-1].name)
    return added


def plot_top_products(top: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """A bar per product of `top_products(...)`: how many customers bought it."""
    ax = _axes(ax, len(top))
    ax.barh(top["product"], top["customers"], color="tab:blue")
    ax.invert_yaxis()  # the most bought on top
    ax.set_xlabel("customers")
    ax.set_title("Products by number of customers")
    return ax


def plot_lift(recommendations: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """A bar per row of `also_bought(...)`: its lift, with the line at 1 (chance)."""
    ax = _axes(ax, len(recommendations))
    products = recommendations["product"].unique()
    labels = (recommendations["also_bought"] if len(products) == 1 else
              recommendations["product"] + " → " + recommendations["also_bought"])
    ax.barh(labels, recommendations["lift"], color="tab:orange")
    ax.invert_yaxis()
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("lift (1 = no more often than chance)")
    named = products[0] if len(products) == 1 else "these products"
    ax.set_title(f"Customers who bought {named} also bought")
    return ax


def _axes(ax: Axes | None, bars: int) -> Any:
    """`ax`, or the Axes of a new figure tall enough for `bars` labelled bars."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise AnalysisError("charts need matplotlib: pip install 'migrator[notebooks]'") from exc
    japanese_font()
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=(7, 1 + 0.35 * max(bars, 1)), layout="constrained")
    return new
