"""Shared fixtures: the small test library and agreement under tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fixture_library() -> Path:
    return FIXTURES / "library"


@pytest.fixture
def agreement_text() -> str:
    return (FIXTURES / "agreement.pkm").read_text(encoding="utf-8")


@pytest.fixture
def data_file() -> Path:
    return FIXTURES / "data.yaml"
