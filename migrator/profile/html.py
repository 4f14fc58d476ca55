"""The profile JSON as one self-contained HTML page a person can scan at a glance.

Every key but `tables` is optional: the page shows what the document holds, so it
works on a bare profile (names and letters) and on one with column statistics.
Only what the profile holds is shown (top values, never whole rows), all escaped.
"""

from __future__ import annotations

import html
import json
import re
from numbers import Real
from pathlib import Path
from typing import Any

from migrator.display import row_ranges

_EN_DASH = "\u2013"

_FONTS = ('"Noto Sans CJK JP", "IPAPGothic", "IPAGothic", "IPAexGothic", "Hiragino Sans", '
          '"Yu Gothic", "Meiryo", sans-serif')
"""Japanese-capable first (no tofu); IPAPGothic, IPAGothic's proportional twin, keeps
Latin text from looking typewritten where fonts-ipafont-gothic is the only CJK font."""
_MONO = ('ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, "Noto Sans Mono CJK JP", '
         '"IPAGothic", monospace')
_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2933;font:14px/1.45 FONTS}
main{max-width:1240px;margin:0 auto;padding:20px 20px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0}h3{font-size:14px;margin:16px 0 6px}
.sub{color:#616e7c;margin:0 0 14px}
.totals{display:flex;flex-wrap:wrap;gap:10px;margin:0 0 12px;padding:0;list-style:none}
.totals li{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:8px 14px;
min-width:120px}
.totals b{display:block;font-size:22px}.totals span{color:#616e7c;font-size:12px}
nav{margin:0 0 16px;font-size:13px}nav a{color:#2457c5;margin-right:14px;text-decoration:none}
section{background:#fff;border:1px solid #dde2e8;border-radius:10px;padding:16px 18px;
margin:0 0 18px}
.meta{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 12px}
.meta span{background:#eef1f5;border-radius:10px;padding:1px 9px;font-size:12px;color:#3e4c59}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th{text-align:left;font-size:12px;color:#616e7c;font-weight:600;padding:6px 8px;
border-bottom:2px solid #dde2e8}
td{padding:8px;border-bottom:1px solid #eceff3;vertical-align:top;overflow-wrap:anywhere}
tr.flagged td:first-child{box-shadow:inset 3px 0 #e8a33d}
.name{font-weight:600}
.loc{font:11px/1.6 MONO;color:#616e7c;background:#eef1f5;border-radius:4px;padding:0 5px;
margin-left:6px;white-space:nowrap}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;
background:var(--c,#7b8794);white-space:nowrap;max-width:100%;overflow:hidden;
text-overflow:ellipsis}
.badge i{font-style:normal;opacity:.85;margin-left:5px}
.badge.low{background:#fff;color:var(--c,#7b8794);border:1px dashed var(--c,#7b8794)}
.muted{color:#9aa5b1}.small{font-size:12px;color:#616e7c}
.track{height:10px;background:#e4e7eb;border-radius:5px;overflow:hidden;display:flex;
margin:4px 0 3px}
.track.null{max-width:160px}.track.shapes{max-width:360px}
.fill{background:#c2410c;height:100%}
.seg{height:100%;min-width:2px;border-right:1px solid #fff}
.legend{list-style:none;margin:0;padding:0;font-size:11px;line-height:1.5;display:flex;
flex-wrap:wrap;gap:0 10px}
.legend li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:100%}
.legend code{font:11px MONO}
.sw{display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:4px;
vertical-align:-1px}
.top{list-style:none;margin:0;padding:0}
.top li{display:flex;gap:6px;font-size:12px;padding:0 4px;border-radius:3px;
background:linear-gradient(to right,#e3ecfb var(--w),transparent var(--w))}
.top .v{flex:1;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.top .n{color:#616e7c}
.chip{display:inline-block;background:#fdf3e1;color:#8a4b08;border:1px solid #f0c987;
border-radius:9px;padding:0 7px;font-size:11px;margin:0 3px 3px 0}
.chip.personal{background:#eaf1fb;color:#1a4f8a;border-color:#a9c6ec}
.skips{margin:0;padding:0;list-style:none;font-size:13px}.skips li{margin:2px 0}
.reason{display:inline-block;min-width:120px;font-weight:600}
""".replace("MONO", _MONO).replace("FONTS", _FONTS)

_PALETTE = ("#2457c5", "#0f8a7e", "#7c4dbd", "#d97706", "#c2417a", "#4d7c0f", "#0e7490")
_OTHER = "#9aa5b1"
_MAX_SHAPES = 6
_MAX_TOP = 5
_SEMANTIC_COLOURS = {
    "email": "#2457c5", "phone": "#2457c5", "url": "#2457c5",
    "postal_code": "#0f8a7e", "region": "#0f8a7e", "address": "#0f8a7e",
    "person_name": "#7c4dbd", "company_name": "#7c4dbd", "kana": "#7c4dbd",
    "date": "#d97706", "wareki_date": "#d97706",
    "amount": "#0e7490", "customer_code": "#0e7490",
}
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_COLUMN_HEADS = (("name", "Column", 15), ("semantic", "Semantic type", 13),
                 ("inferred_type", "Type", 9), ("null_share", "Empty", 10),
                 ("shapes", "Shapes of values", 22), ("top_values", "Top values", 18),
                 ("flags", "Flags", 13))
"""(key, heading, width %): a heading shows when any column of the table has its key."""


def render_html(doc: dict[str, Any]) -> str:
    """The whole page: totals, one section per table, then the skipped sheets.

    Example: `Path("profile.html").write_text(render_html(result.asdict()))`.
    """
    tables = _dicts(doc.get("tables"))
    sheets = _dicts(doc.get("skipped_sheets"))
    # lang="ja" when the data holds kana or kanji: browsers then pick Japanese glyph forms
    text = json.dumps(doc, ensure_ascii=False, default=str, skipkeys=True)
    lang = "ja" if _JAPANESE.search(text) else "en"
    parts = [_header(tables, sheets)]
    parts += [_table_section(i, t) for i, t in enumerate(tables, 1)]
    if not tables:
        parts.append('<section><p class="muted">No tables were found.</p></section>')
    parts.append(_skipped_sheets(sheets))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>Profile: {_e(_files_title(tables))}</title>\n<style>{_CSS}</style>\n"
            f"</head>\n<body>\n<main>\n{''.join(parts)}</main>\n</body>\n</html>\n")


def write_html(doc: dict[str, Any], path: Path) -> None:
    """Write the page atomically: a reader of `path` never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(render_html(doc), encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _header(tables: list[dict[str, Any]], sheets: list[dict[str, Any]]) -> str:
    columns = [c for t in tables for c in _dicts(t.get("columns"))]
    totals = [
        (len({t.get("file") for t in tables}), "files"),
        (len(tables), "tables"),
        (sum(_int(t.get("data_rows")) for t in tables), "data rows"),
        (len(columns), "columns"),
        (sum(1 for c in columns if _strings(c.get("flags"))), "columns flagged"),
        (sum(1 for c in columns if isinstance(c.get("personal"), dict)),
         "columns of personal data"),
        (sum(len(_dicts(t.get("skipped"))) for t in tables), "skipped rows"),
        (len(sheets), "skipped sheets"),
    ]
    cards = "".join(f"<li><b>{n:,}</b><span>{label}</span></li>" for n, label in totals)
    out = (f"<header><h1>Profile report</h1><p class=\"sub\">{_e(_files_title(tables))}</p>"
           f'<ul class="totals">{cards}</ul>')
    if len(tables) > 1:
        links = "".join(f'<a href="#table-{i}">{_e(_title(t))}</a>'
                        for i, t in enumerate(tables, 1))
        out += f"<nav>{links}</nav>"
    return out + "</header>\n"


def _table_section(index: int, table: dict[str, Any]) -> str:
    columns = _dicts(table.get("columns"))
    data_rows = _int(table.get("data_rows"))
    meta = [str(table.get("layout") or "table"), f"{data_rows:,} data rows",
            f"{len(columns)} columns"]
    header_rows = _ints(table.get("header_rows"))
    meta.append("header rows " + row_ranges(header_rows, _EN_DASH) if header_rows
                else "no header row")
    card_sheets = _strings(table.get("sheets"))
    if card_sheets:
        meta.append(f"{len(card_sheets)} card sheets")
    cells = table.get("cells")
    cells = cells if isinstance(cells, dict) else {}
    keys = {k for c in columns for k in c} | {"name"}
    shown = [(k, h, w) for k, h, w in _COLUMN_HEADS if k in keys]
    heads = "".join(f'<th style="width:{w}%">{h}</th>' for _, h, w in shown)
    rows = "".join(_column_row(c, data_rows, cells, [k for k, _, _ in shown]) for c in columns)
    return (f'<section id="table-{index}"><h2>{_e(_title(table))}</h2>'
            f'<div class="meta">{"".join(f"<span>{_e(m)}</span>" for m in meta)}</div>'
            f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
            f"{_skipped_rows(_dicts(table.get('skipped')))}</section>\n")


def _column_row(col: dict[str, Any], data_rows: int, cells: dict[str, Any],
                keys: list[str]) -> str:
    flags = _strings(col.get("flags"))
    where = col.get("column") or cells.get(str(col.get("name")))
    loc = f'<span class="loc" title="Excel column or cell">{_e(where)}</span>' if where else ""
    tds = {
        "name": f'<span class="name">{_e(col.get("name"))}</span>{loc}',
        "semantic": _semantic(col.get("semantic")),
        "inferred_type": _inferred(col),
        "null_share": _null_bar(col.get("null_share")),
        "shapes": _shape_bar(col.get("shapes")),
        "top_values": _top_values(col.get("top_values"), data_rows),
        "flags": _personal(col.get("personal")) + "".join(
            f'<span class="chip" title="{_e(f)}">&#9888; {_e(f.replace("_", " "))}</span>'
            for f in flags),
    }
    cls = ' class="flagged"' if flags else ""
    return f"<tr{cls}>" + "".join(f"<td>{tds[k]}</td>" for k in keys) + "</tr>"


def _personal(personal: Any) -> str:
    """A chip saying the column holds personal data, its evidence in the tooltip."""
    if not isinstance(personal, dict) or not personal.get("kind"):
        return ""
    why = "; ".join(_strings(personal.get("evidence")))
    kind = str(personal["kind"]).replace("_", " ")
    return (f'<span class="chip personal" title="personal data: {_e(why)}">&#128100; '
            f"{_e(kind)}</span>")


def _semantic(semantic: Any) -> str:
    if not isinstance(semantic, dict) or not semantic.get("type"):
        return '<span class="muted">&ndash;</span>'
    kind = str(semantic["type"])
    colour = _SEMANTIC_COLOURS.get(kind, "#7b8794")
    confidence = _share(semantic.get("confidence"))
    low = " low" if confidence is not None and confidence < 0.6 else ""
    pct = "" if confidence is None else f"{round(confidence * 100)}%"
    title = f"semantic type {kind}" + (f", confidence {pct}" if pct else "")
    return (f'<span class="badge{low}" style="--c:{colour}" title="{_e(title)}">'
            f"{_e(kind.replace('_', ' '))}{f'<i>{pct}</i>' if pct else ''}</span>")


def _inferred(col: dict[str, Any]) -> str:
    kind = col.get("inferred_type")
    out = _e(kind) if kind else '<span class="muted">&ndash;</span>'
    distinct = col.get("distinct")
    if isinstance(distinct, Real) and not isinstance(distinct, bool):
        out += f'<div class="small">{_int(distinct):,} distinct</div>'
    return out


def _null_bar(value: Any) -> str:
    share = _share(value)
    if share is None:
        return '<span class="muted">&ndash;</span>'
    pct = _pct(share)
    return (f'<div class="track null" title="{pct} of the cells are empty">'
            f'<div class="fill" style="width:{pct}"></div></div>'
            f'<div class="small">{pct} empty</div>')


def _shape_bar(shapes: Any) -> str:
    """Segments proportional to each shape's count; past six, the rest as one grey `other`."""
    pairs = [(str(k), _int(v)) for k, v in shapes.items()] if isinstance(shapes, dict) else []
    counts = sorted((kv for kv in pairs if kv[1] > 0), key=lambda kv: -kv[1])
    total = sum(n for _, n in counts)
    if not total:
        return '<span class="muted">&ndash;</span>'
    shown = [(f"<code>{_e(s)}</code>", s, n, _PALETTE[i % len(_PALETTE)])
             for i, (s, n) in enumerate(counts[:_MAX_SHAPES])]
    rest = counts[_MAX_SHAPES:]
    if rest:
        other = f"{len(rest)} other shape{'s' if len(rest) > 1 else ''}"
        shown.append((other, other, sum(n for _, n in rest), _OTHER))
    segs, legend = [], []
    for name, shape, n, colour in shown:
        label = _e(f"{shape}: {n:,} ({_pct(n / total)})")
        segs.append(f'<div class="seg" style="width:{_pct(n / total)};background:{colour}" '
                    f'title="{label}"></div>')
        legend.append(f'<li title="{label}"><span class="sw" style="background:{colour}"></span>'
                      f"{name} {n:,}</li>")
    return (f'<div class="track shapes">{"".join(segs)}</div>'
            f'<ul class="legend">{"".join(legend)}</ul>')


def _top_values(values: Any, data_rows: int) -> str:
    items = [v for v in _dicts(values) if "value" in v][:_MAX_TOP]
    if not items:
        return '<span class="muted">&ndash;</span>'
    most = max([_int(v.get("count")) for v in items] + [data_rows, 1])
    out = []
    for item in items:
        value, count = item.get("value"), _int(item.get("count"))
        shown = _e(value) if value not in (None, "") else '<span class="muted">(blank)</span>'
        of = f" of {data_rows:,} rows" if data_rows else ""
        out.append(f'<li style="--w:{_pct(count / most)}" title="{_e(value)}: {count:,}{of}">'
                   f'<span class="v">{shown}</span><span class="n">{count:,}</span></li>')
    return f'<ul class="top">{"".join(out)}</ul>'


def _skipped_rows(skipped: list[dict[str, Any]]) -> str:
    """Row numbers grouped by reason, in order of first appearance, runs as `3–7`."""
    if not skipped:
        return ""
    groups: dict[str, list[int]] = {}
    for s in skipped:
        groups.setdefault(str(s.get("reason") or "unknown"), []).append(_int(s.get("row")))
    items = "".join(
        f'<li><span class="reason">{_e(reason)} &times;{len(rows)}</span> '
        f'rows {_e(row_ranges(sorted(rows), _EN_DASH))}</li>' for reason, rows in groups.items())
    return f'<h3>Skipped rows ({len(skipped)})</h3><ul class="skips">{items}</ul>'


def _skipped_sheets(sheets: list[dict[str, Any]]) -> str:
    if not sheets:
        return ""
    rows = "".join(f"<tr><td>{_e(s.get('file'))}</td><td>{_e(s.get('sheet'))}</td>"
                   f"<td>{_e(s.get('reason'))}</td></tr>" for s in sheets)
    return (f'<section id="skipped-sheets"><h2>Skipped sheets ({len(sheets)})</h2>'
            '<table class="sheets"><thead><tr><th>File</th><th>Sheet</th><th>Reason</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></section>\n")


def _title(table: dict[str, Any]) -> str:
    file, sheet = str(table.get("file") or "?"), table.get("sheet")
    return f"{file} [{sheet}]" if sheet else file


def _files_title(tables: list[dict[str, Any]]) -> str:
    files = list(dict.fromkeys(str(t.get("file") or "?") for t in tables))
    return ", ".join(files) if files else "no tables"


def _pct(share: float) -> str:
    """0.02 → `2%`, 0.125 → `12.5%`: CSS widths and labels alike."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _share(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real) or value != value:
        return None
    return min(max(float(value), 0.0), 1.0)


def _int(value: Any) -> int:
    """A count as an int (numpy's too); anything else counts as 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or value != value:
        return 0
    return int(float(value))


def _ints(value: Any) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)
