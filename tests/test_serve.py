"""pkm serve through Starlette's TestClient: the pages a person sees, the files downloaded, and the safety rules."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from pkm_docs.library import load_library  # noqa: E402
from pkm_docs.serve.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library():
    return load_library(None)


@pytest.fixture
def client(library, tmp_path):
    with TestClient(create_app(library, tmp_path / "data"), base_url="http://127.0.0.1:8421") as c:
        yield c


def csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def start(client, template: str, data: bytes | None = None):
    token = csrf(client.get("/").text)
    files = {"data": ("data.yaml", data, "application/yaml")} if data is not None else None
    response = client.post("/new", data={"csrf": token, "template": template}, files=files or {"data": ("", b"")})
    assert response.status_code == 200, response.text
    return response


def draft_url(response) -> str:
    return re.match(r".*(/d/[^/]+)/", str(response.url)).group(1)


def post_step(client, url: str, n: int, fields: dict[str, str], action: str = "next"):
    page = client.get(f"{url}/step/{n}").text
    return client.post(f"{url}/step/{n}", data={"csrf": csrf(page), "action": action, **fields})


def test_home_lists_every_template_with_both_descriptions(client):
    page = client.get("/").text
    assert "Pelayanan kesehatan ibu dan anak: Dinas Kesehatan dan yayasan" in page
    assert "Maternal and child health services: a health office and a foundation" in page
    assert "Kemitraan kehutanan tiga pihak" in page
