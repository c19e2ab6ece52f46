"""Shared fixtures: the small test library and agreement under tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import os

import pytest
from hypothesis import settings

# CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) draws the same examples on every run, so a run lands or fails on the
# code alone; a developer's runs keep drawing new ones, which is how the property tests find new mistakes.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _own_cache_dir(tmp_path_factory):
    """Every test, and every `pkm` process a test starts, uses one fresh cache folder (pkm_docs/cache.py), never
    the user's: the first load of a library fills it, later ones read it, as a user's runs do."""
    folder = tmp_path_factory.mktemp("pkm-cache") / "pkm-docs"
    previous = os.environ.get("PKM_CACHE_DIR")
    os.environ["PKM_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("PKM_CACHE_DIR", None)
    else:
        os.environ["PKM_CACHE_DIR"] = previous


@pytest.fixture
def fixture_library() -> Path:
    return FIXTURES / "library"


@pytest.fixture
def agreement_text() -> str:
    return (FIXTURES / "agreement.pkm").read_text(encoding="utf-8")


@pytest.fixture
def data_file() -> Path:
    return FIXTURES / "data.yaml"
