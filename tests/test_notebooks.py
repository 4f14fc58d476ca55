"""The guided notebooks run top to bottom, headless (make test installs nbclient)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_headless(path: Path) -> None:
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for o in outputs)
    if path.name == "01_read.ipynb":
        assert "顧客台帳.xlsx [顧客台帳]: table, 40 data rows" in text
        assert "(1, 'title')" in text and "'旧データ', 'hidden'" in text
    if path.name == "06-customer-analysis.ipynb":
        assert_customer_analysis(outputs, text, path.parent / "work" / "customer-analysis.db")


def assert_customer_analysis(outputs: list[Any], text: str, db: Path) -> None:
    """06 loaded sample_data, showed the library's also_bought table and drew two charts."""
    import re

    from migrator.analysis import also_bought

    assert "succeeded" in text and "有限会社岬マリン" in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
    (table,) = [str(o.data["text/html"]) for o in outputs
                if "<th>lift</th>" in str(o.get("data", {}).get("text/html", ""))]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)  # the header's <tr> has a style
    shown = [re.findall(r"<td>(.*?)</td>", row) for row in rows]
    expected = also_bought(f"sqlite:///{db}", "トナー")
    assert [r[1] for r in shown] == list(expected["also_bought"]) and len(shown) >= 3
    assert [float(r[-1]) for r in shown] == pytest.approx(list(expected["lift"]), abs=5e-7)


def test_notebooks_hold_no_definitions() -> None:
    import json

    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "\ndef " not in f"\n{code}" and "\nclass " not in f"\n{code}", path.name
