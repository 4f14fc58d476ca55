"""Shared test helpers: fixture paths, the wild files, and real database servers."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WILD = ROOT.parent / "shared" / "wild"
SAMPLE_DATA = ROOT / "sample_data"


def server_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    """Skip on a laptop without the server; fail on CI, where it must be there."""
    if server_reachable(host, port):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} server is not reachable at {host}:{port}")
    pytest.skip(f"{name} server is not reachable at {host}:{port}")


@pytest.fixture
def wild() -> Path:
    """../shared/wild, the files from other projects' test suites."""
    if not WILD.is_dir():
        pytest.skip("../shared/wild is absent on this checkout")
    return WILD


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
