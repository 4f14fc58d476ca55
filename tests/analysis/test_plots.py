"""analysis charts: one bar per row of the table they are given, Japanese labels drawn
with a font that has the glyphs (no "Glyph ... missing from font" warning)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import matplotlib
import pytest

from migrator.analysis import (
    also_bought,
    japanese_font,
    plot_lift,
    plot_top_products,
    top_products,
)
from migrator.analysis.plots import CJK_FONTS

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def default_fonts() -> Iterator[None]:
    """Each test starts from matplotlib's own font settings, and closes its figures."""
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        yield
    plt.close("all")


def missing_glyphs(figure: object) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()  # type: ignore[attr-defined]
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_plot_lift_draws_a_bar_per_recommendation(loaded: str) -> None:
    recommendations = also_bought(loaded, "トナー")
    ax = plot_lift(recommendations)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(recommendations["also_bought"])
    assert [bar.get_width() for bar in ax.patches] == list(recommendations["lift"])
    assert ax.get_title() == "Customers who bought トナー カートリッジ also bought"
    assert missing_glyphs(ax.figure) == []


def test_plot_top_products_draws_customers_per_product(loaded: str) -> None:
    top = top_products(loaded, limit=5)
    ax = plot_top_products(top)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(top["product"])
    assert [bar.get_width() for bar in ax.patches] == list(top["customers"])
    assert missing_glyphs(ax.figure) == []


def test_japanese_font_is_needed_and_found() -> None:
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    ax.set_title("トナー カートリッジ")
    assert missing_glyphs(figure) != []  # matplotlib's own default cannot draw kana
    name = japanese_font()
    if name is None:
        pytest.skip("no CJK font installed (make system-deps installs fonts-ipafont-gothic)")
    assert name in CJK_FONTS and matplotlib.rcParams["font.sans-serif"][0] == name
    figure, ax = plt.subplots()
    ax.set_title("トナー カートリッジ")
    assert missing_glyphs(figure) == []


def test_a_font_list_cached_before_the_font_was_installed_still_finds_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    from migrator.analysis.plots import CJK_FONTS

    stale = [f for f in font_manager.fontManager.ttflist if f.name not in CJK_FONTS]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    assert japanese_font() in CJK_FONTS
