"""A person's view: JupyterLab in headless Chromium opens 02-map-columns, runs every cell,
changes one dropdown, and the kernel's mapping changes (../shared/NOTEBOOK-TESTS.md)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT

SHOTS = ROOT / "tests" / "output"
"""Screenshots a person looks at (gitignored)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return int(answer.status)
    except OSError:
        return 0


@pytest.fixture(scope="module")
def lab(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """JupyterLab on a free loopback port, its state and kernels under a temporary folder."""
    import psutil

    state = tmp_path_factory.mktemp("lab")
    root = state / "root"
    (root / "notebooks").mkdir(parents=True)
    (root / "sample_data").symlink_to(ROOT / "sample_data", target_is_directory=True)
    settings = state / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    env = {**os.environ, **{name: str(state / name.lower()) for name in (
        "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
        "XDG_CACHE_HOME", "XDG_CONFIG_HOME")}}
    port, token = _free_port(), secrets.token_hex(16)
    log = (state / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={state / 'user-settings'}",
         f"--LabApp.workspaces_dir={state / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly",
         # kernels on Unix sockets: a TCP port picked, freed and only then bound by the kernel
         # can be taken meanwhile by a parallel pytest worker's kernel or connection
         "--KernelManager.transport=ipc", f"--KernelManager.ip={state / 'kernel'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _get(f"{base}/api/status?token={token}") != 200:
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"JupyterLab did not start: {(state / 'lab.log').read_text()[-400:]}")
        time.sleep(0.2)
    try:
        yield {"base": base, "token": token, "root": root}
    finally:
        kernels = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                         headers={"Authorization": f"token {token}"})
        try:
            urllib.request.urlopen(request, timeout=5).close()
            proc.wait(20)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()
        time.sleep(0.5)
        assert not [p for p in kernels if psutil.pid_exists(p)
                    and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]


def _open(page: Any, lab: dict[str, Any], name: str) -> Any:
    """Open `notebooks/name` in a fresh workspace; the panel, once its kernel is idle."""
    shutil.copy(ROOT / "notebooks" / name, lab["root"] / "notebooks" / name)
    path = f"notebooks/{name}"
    page.goto(f"{lab['base']}/lab/workspaces/{uuid.uuid4().hex}/tree/{path}"
              f"?token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                           timeout=60_000)
    panel = page.evaluate("""async (path) => {
        const app = window.jupyterapp;
        await app.restored;
        for (let i = 0; i < 600; i++) {
            const open = [...app.shell.widgets('main')];
            const w = open.find(w => w.context && w.context.path === path);
            if (w && w.sessionContext.kernelDisplayStatus === 'idle')
                return {id: w.id, count: open.length};
            await new Promise(r => setTimeout(r, 100));
        }
        return null;
    }""", path)
    assert panel is not None, "the notebook's kernel never became idle"
    assert panel["count"] == 1
    return page.locator(f"#{panel['id']}")


def test_map_columns_in_a_real_browser(browser: Any, lab: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text[:300]}")
            if m.type in ("error", "warning") else None)
    try:
        notebook = _open(page, lab, "02-map-columns.ipynb")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        message = notebook.locator(".migrator-mapping-message")
        try:
            expect(message).to_contain_text("columns mapped", timeout=120_000)
        except AssertionError:
            shown = notebook.locator(".jp-CodeCell").nth(3).locator(".jp-OutputArea")
            html = shown.inner_html(timeout=5_000)[:1500] if shown.count() else "(no output area)"
            pytest.fail("the mapping editor did not show; the browser console said:\n"
                        + "\n".join(console[-20:]) + f"\nits output area: {html}")
        before = message.inner_text()
        mapped = int(before.split("✓ ")[1].split(" ")[0])
        expect(notebook.locator(".jp-OutputArea-output pre").last).to_contain_text(
            "migrator run", timeout=60_000)
        label = notebook.locator(".migrator-column").first
        first = label.inner_text()
        dropdown = notebook.locator(".migrator-target select").first
        assert dropdown.input_value() != "(not loaded)"
        notebook.locator(".migrator-mapping-editor").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "02-map-columns-before.png"), full_page=True)
        dropdown.select_option("(not loaded)")
        expect(message).to_contain_text(f"✓ {mapped - 1} columns mapped", timeout=15_000)
        assert first == "顧客コード"  # the first source is 顧客台帳.xlsx
        yaml_text = notebook.locator(".jupyter-widgets textarea").first.input_value()
        assert "顧客コード: null" in yaml_text
        assert "顧客台帳.xlsx" in notebook.inner_text()  # Japanese renders as text
        message.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "02-map-columns-after.png"), full_page=True)
    finally:
        context.close()
