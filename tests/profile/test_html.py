"""The HTML profile report: its structure on a literal document, and what a person
sees when headless Chromium opens it."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from migrator.profile.html import render_html, write_html
from tests.conftest import SAMPLE_DATA

LONG = "長い値" * 40 + "x" * 200

DOC: dict[str, Any] = {
    "tables": [
        {"file": "顧客台帳.xlsx", "sheet": "顧客台帳", "layout": "table", "header_rows": [4, 5],
         "data_rows": 120,
         "skipped": [{"row": 1, "reason": "title"}, {"row": 2, "reason": "title"},
                     {"row": 3, "reason": "blank"}, {"row": 130, "reason": "subtotal"},
                     {"row": 140, "reason": "subtotal"}, {"row": 141, "reason": "total"}],
         "columns": [
             {"name": "連絡先 / TEL", "column": "D", "inferred_type": "string",
              "null_share": 0.025, "distinct": 118,
              "top_values": [{"value": "03-1234-5678", "count": 2}],
              "shapes": {"99-9999-9999": 80, "999-999-9999": 30, "９９-９９９９-９９９９": 10},
              "semantic": {"type": "phone", "confidence": 0.96},
              "flags": ["full_width_digits"]},
             {"name": "備考", "column": "E", "inferred_type": "string", "null_share": 0.5,
              "distinct": 3,
              "top_values": [{"value": "<script>alert('x')</script>", "count": 5},
                             {"value": LONG, "count": 4}, {"value": None, "count": 1}],
              "shapes": {f"shape{i}": 10 - i for i in range(9)},
              "semantic": {"type": "text", "confidence": 0.3},
              "flags": ["mixed_types", "header_mismatch", "leading_zeros_at_risk"]},
         ]},
        {"file": "us_customers.xlsx", "sheet": "Customers", "layout": "table",
         "header_rows": [1], "data_rows": 25, "skipped": [],
         "columns": [{"name": "Customer Since", "column": "F", "null_share": 0,
                      "semantic": {"type": "date"}},
                     {"name": "ZIP & <Code>", "column": "G"}]},
    ],
    "skipped_sheets": [{"file": "部署別顧客.xlsx", "sheet": "旧データ", "reason": "hidden"}],
}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]


def widths(elements: list[dict[str, str | None]]) -> list[str]:
    return [(a.get("style") or "").split("width:")[1].split(";")[0] for a in elements]


def test_html_one_section_per_table_titled() -> None:
    page = Elements(render_html(DOC))
    sections = [a["id"] for t, a in page.tags if t == "section"]
    assert sections == ["table-1", "table-2", "skipped-sheets"]
    text = "".join(page.text)
    assert "顧客台帳.xlsx [顧客台帳]" in text and "us_customers.xlsx [Customers]" in text
    assert "header rows 4–5" in text and "120 data rows" in text


def test_html_escapes_user_values() -> None:
    page = render_html(DOC)
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "ZIP &amp; &lt;Code&gt;" in page
    assert [t for t, _ in Elements(page).tags if t in ("script", "link", "img", "iframe")] == []


def test_html_is_self_contained_utf8_japanese() -> None:
    page = render_html(DOC)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert '<html lang="ja">' in page and "http" not in page and "@import" not in page
    assert '"Noto Sans CJK JP", "IPAPGothic", "IPAGothic", "IPAexGothic"' in page
    english = {"tables": [{"file": "us.csv", "columns": [{"name": "ZIP"}]}]}
    assert '<html lang="en">' in render_html(english)


def test_html_null_bar_width_is_the_share() -> None:
    page = Elements(render_html(DOC))
    assert widths(page.having("div", "fill")) == ["2.5%", "50%", "0%"]


def test_html_shape_bar_segments_proportional_to_counts() -> None:
    page = Elements(render_html(DOC))
    tracks = [a for t, a in page.tags if t in ("div",) and "seg" in (a.get("class") or "")]
    phone = widths(tracks[:3])
    assert phone == ["66.67%", "25%", "8.33%"]
    assert tracks[0]["title"] == "99-9999-9999: 80 (66.67%)"
    # 9 shapes, 54 values: the six largest (10..5 = 45) and one grey "3 other shapes" (9)
    notes = widths(tracks[3:])
    assert notes == ["18.52%", "16.67%", "14.81%", "12.96%", "11.11%", "9.26%", "16.67%"]
    assert tracks[-1]["title"] == "3 other shapes: 9 (16.67%)"
    assert "９９-９９９９-９９９９" in "".join(Elements(render_html(DOC)).text)


def test_html_semantic_badge_and_flags() -> None:
    page = Elements(render_html(DOC))
    badges = page.having("span", "badge")
    assert [b["title"] for b in badges] == ["semantic type phone, confidence 96%",
                                            "semantic type text, confidence 30%",
                                            "semantic type date"]
    assert "low" in (badges[1]["class"] or "")
    chips = [c["title"] for c in page.having("span", "chip")]
    assert chips == ["full_width_digits", "mixed_types", "header_mismatch",
                     "leading_zeros_at_risk"]


def test_html_skipped_rows_grouped_by_reason() -> None:
    text = "".join(Elements(render_html(DOC)).text)
    assert "Skipped rows (6)" in text
    assert "title ×2 rows 1–2" in text and "blank ×1 rows 3" in text
    assert "subtotal ×2 rows 130, 140" in text and "total ×1 rows 141" in text
    assert "部署別顧客.xlsx旧データhidden" in text


def test_html_totals_in_header() -> None:
    page = Elements(render_html(DOC))
    header = "|".join(t.strip() for t in page.text if t.strip())
    for total in ("2|files", "2|tables", "145|data rows", "4|columns", "2|columns flagged",
                  "6|skipped rows", "1|skipped sheets"):
        assert total in header


def test_html_renders_what_is_there_when_keys_are_missing() -> None:
    bare = {"tables": [{"file": "a.csv", "columns": [{"name": "会社名"}, {}, "junk"]}, {}]}
    page = Elements(render_html(bare))
    assert [a["id"] for t, a in page.tags if t == "section"] == ["table-1", "table-2"]
    assert "会社名" in "".join(page.text)
    assert not page.having("div", "fill") and not page.having("div", "seg")
    headings = [t for t in Elements(render_html(DOC)).text if t in ("Column", "Semantic type",
                                                                    "Empty", "Flags")]
    assert headings[-3:] == ["Column", "Semantic type", "Empty"]  # 2nd table: only what it has
    assert "No tables were found." in render_html({})


def test_write_html_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "profile.html"
    target.write_text("old", encoding="utf-8")
    write_html(DOC, target)
    assert target.read_text(encoding="utf-8") == render_html(DOC)
    assert [p.name for p in tmp_path.iterdir()] == ["profile.html"]


# --- what a person sees: headless Chromium (Debian's, see scripts/system-deps.sh) ---

NO_TOFU_JS = """(sel) => {
  const el = document.querySelector(sel);
  const cs = getComputedStyle(el);
  const font = `${cs.fontWeight} 32px ${cs.fontFamily}`;
  const ink = (ch) => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = font; g.textBaseline = 'top';
    g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join();
  };
  return ['顧', '客', '台', '帳', '\\u{10FFFD}'].map(ink);
}"""


def open_page(browser: Any, doc: dict[str, Any], tmp_path: Path) -> Any:
    path = tmp_path / "profile.html"
    write_html(doc, path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(path.as_uri())
    return page


def ledger_doc() -> dict[str, Any]:
    from migrator import read_sources
    from migrator.profile import profile

    tables = read_sources([SAMPLE_DATA / "顧客台帳.xlsx"])
    return profile(tables).asdict()


def test_html_in_chromium_japanese_readable_no_tofu(browser: Any, tmp_path: Path) -> None:
    """The ledger's report as a person sees it at 1280 px: names, no overflow, no tofu.

    No tofu: each of 顧 客 台 帳 and U+10FFFD (a private-use code point no font has, so
    always a tofu box) is drawn on a canvas in the column name's own computed font, and
    the five bitmaps must all differ. Without a CJK font every one of them is the same
    .notdef box: with only DejaVu installed (before `fonts-ipafont-gothic`), and again
    with FONTCONFIG_FILE pointing at a fonts.conf listing only the DejaVu folder, this
    test failed with 1 distinct bitmap of 5. `document.fonts.check("16px IPAGothic",
    "顧客")` cannot tell: it only knows web fonts and answers true even for a font name
    that does not exist. The CDP check names the system font Chromium actually used.
    """
    started = time.monotonic()
    page = open_page(browser, ledger_doc(), tmp_path)
    text = page.inner_text("body")
    for name in ("顧客台帳.xlsx [顧客台帳]", "顧客コード", "会社名", "フリガナ", "連絡先 / TEL",
                 "住所 / 郵便番号", "取引開始日", "subtotal ×3"):
        assert name in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    bitmaps = page.evaluate(NO_TOFU_JS, "td .name")
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "td .name"})["nodeId"]
    cdp.send("CSS.enable")
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    distinct = len(set(bitmaps))
    assert distinct == 5, f"Japanese renders as tofu ({distinct} bitmaps for 5 glyphs): {fonts}"
    assert all("255" in b for b in bitmaps)
    assert {f["familyName"] for f in fonts} & {"Noto Sans CJK JP", "IPAPGothic", "IPAGothic",
                                               "IPAexGothic"}
    page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
    assert (tmp_path / "profile.png").stat().st_size > 10_000
    assert time.monotonic() - started < 60


def test_html_in_chromium_bars_drawn_to_scale(browser: Any, tmp_path: Path) -> None:
    """Bars are as wide as their shares on screen, and long values do not widen the page."""
    page = open_page(browser, DOC, tmp_path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    drawn = page.evaluate("""() => [...document.querySelectorAll('.track.null')].map(t =>
        t.firstElementChild.getBoundingClientRect().width / t.getBoundingClientRect().width)""")
    assert drawn == pytest.approx([0.025, 0.5, 0.0], abs=0.01)
    segments = page.evaluate("""() => [...document.querySelector('.track.shapes').children]
        .map(s => s.getBoundingClientRect().width)""")
    assert [w / sum(segments) for w in segments] == pytest.approx([80 / 120, 30 / 120, 10 / 120],
                                                                  abs=0.02)
    page.screenshot(path=str(tmp_path / "literal.png"), full_page=True)
