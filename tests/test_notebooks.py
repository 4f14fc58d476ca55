"""The guided notebooks run top to bottom, headless (nbclient), on sample_data into SQLite;
each is run in a copy of the notebooks folder so nothing is written into the checkout."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED: dict[str, list[str | re.Pattern[str]]] = {
    "01-read-and-profile.ipynb": ["SourceTables: 8 tables from 6 files, 283 data rows",
                                  re.compile(r"顧客台帳.xlsx \[顧客台帳\]\s+table\s+4, 5\s+40 "),
                                  "(1, 'title')", "'旧データ', 'hidden'"],
    "02-map-columns.ipynb": ["migrator run '../sample_data/顧客台帳.xlsx'",
                             "--mapping work/mapping.yaml"],
    "03-clean-and-dedupe.ipynb": ["CleanedTables: 3 tables", "DedupedTables: 3 tables",
                                  "ChangesBrowser: 0 rejected rows, 4 cell issues"],
    "04-validate-and-load.ipynb": ["ValidationReport: 3 tables",
                                   "accounting (read = loaded + merged + rejected): holds"],
    "05-export-to-crm.ipynb": ["customers: 163 read = 103 exported + 60 merged + 0 rejected",
                               "Import these files in this order:", "1. customers.csv"],
}


EXTRA = {
    "03-clean-and-dedupe.ipynb": ["print(repr(browser))"],
    "04-validate-and-load.ipynb": ["print(result)"],
}
"""Code run after a notebook, in its kernel: what its widgets hold, as text."""


def run_notebook(path: Path, folder: Path, extra: list[str] | None = None
                 ) -> tuple[Any, str, float]:
    """Execute a copy of `path` in `folder` (beside a sample_data link), then `extra` code
    cells in the same kernel; the notebook, its text output, and the seconds it took."""
    import nbclient
    import nbformat
    from traitlets.config import Config

    (folder / "notebooks").mkdir(parents=True, exist_ok=True)
    link = folder / "sample_data"
    if not link.exists():
        link.symlink_to(ROOT / "sample_data", target_is_directory=True)
    copy = folder / "notebooks" / path.name
    shutil.copy(path, copy)
    notebook = nbformat.read(copy, as_version=4)
    notebook.cells += [nbformat.v4.new_code_cell(code) for code in extra or []]
    # the kernel talks over Unix sockets in `folder`: a TCP port is picked, freed and only
    # then bound by the kernel, which another kernel or connection of a parallel pytest
    # worker can take meanwhile ("Kernel died before replying to kernel_info")
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(folder / "kernel")
    started = time.perf_counter()
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", config=config,
                            resources={"metadata": {"path": str(copy.parent)}}).execute()
    seconds = time.perf_counter() - started
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors[0].get("evalue")
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for o in outputs)
    return notebook, text, seconds


def assert_customer_analysis(outputs: list[Any], text: str, db: Path) -> None:
    """06 loaded sample_data, showed the library's also_bought table and drew two charts."""
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_headless(path: Path, tmp_path: Path) -> None:
    notebook, text, _ = run_notebook(path, tmp_path, EXTRA.get(path.name))
    if path.name == "06-customer-analysis.ipynb":
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        assert_customer_analysis(outputs, text,
                                 tmp_path / "notebooks" / "work" / "customer-analysis.db")
    for expected in EXPECTED.get(path.name, []):
        found = expected.search(text) if isinstance(expected, re.Pattern) else expected in text
        assert found, (path.name, expected)
    widgets = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    if path.name in ("01-read-and-profile.ipynb", "02-map-columns.ipynb",
                     "03-clean-and-dedupe.ipynb", "04-validate-and-load.ipynb"):
        assert widgets, f"{path.name} shows no widget"


def test_every_notebook_of_the_issue_is_there() -> None:
    names = [p.stem for p in NOTEBOOKS]
    for name in ("01-read-and-profile", "02-map-columns", "03-clean-and-dedupe",
                 "04-validate-and-load", "05-export-to-crm", "06-customer-analysis"):
        assert name in names


def test_notebooks_hold_no_definitions_and_no_outputs() -> None:
    for path in NOTEBOOKS:
        book = json.loads(path.read_text(encoding="utf-8"))
        cells = book["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "\ndef " not in f"\n{code}" and "\nclass " not in f"\n{code}", path.name
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in cells if c["cell_type"] == "code"), f"{path.name} has outputs"
        assert "widgets" not in book["metadata"], f"{path.name} keeps widget state"
        first = next(c for c in cells if c["cell_type"] == "code")
        assert "SOURCES = " in "".join(first["source"]), f"{path.name}: parameters first"
