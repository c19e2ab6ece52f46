"""Start-up: each sub-command imports only what it uses, and `pkm` ends as soon as its files are written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kemitraan_kesehatan.pkm"

_PROBE = ("import contextlib, io, sys\n"
          "from pkm_docs.cli import main\n"
          "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
          "    code = main(sys.argv[1:])\n"
          "print(code, ' '.join(sorted(sys.modules)))\n")


def _modules(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True,
                          cwd=ROOT, timeout=120)
    code, _, names = done.stdout.strip().partition(" ")
    return int(code), {name.split(".")[0] if not name.startswith("pkm_docs") else name for name in names.split()}


@pytest.mark.slow
@pytest.mark.parametrize(("argv", "absent"), [
    (("check", str(EXAMPLE)), {"docx", "docxtpl", "jinja2", "typst", "yaml", "pkm_docs.renderers.docx"}),
    (("diff", str(EXAMPLE), str(EXAMPLE)), {"docx", "docxtpl", "jinja2", "typst", "yaml",
                                            "pkm_docs.diff.redline"}),
    (("library", "list"), {"docx", "docxtpl", "jinja2", "typst", "yaml", "pkm_docs.renderers"}),
    (("build", str(EXAMPLE), "--format", "pdf", "-o", "{out}"), {"docx", "docxtpl", "jinja2", "yaml"}),
])
def test_a_sub_command_imports_only_what_it_uses(argv, absent, tmp_path):
    code, loaded = _modules(*(a.replace("{out}", str(tmp_path / "out")) for a in argv))
    assert code == 0
    assert sorted(loaded & absent) == []


@pytest.mark.slow
@pytest.mark.parametrize("formats", [(), ("--format", "pdf")], ids=["docx-and-pdf", "pdf"])
def test_a_build_does_not_import_the_signing_libraries(formats, tmp_path):
    """The sign-ready PDF (metadata and empty signature fields) is written with pypdf: a build must not import
    pyHanko, its certificate validator nor the signing modules; only `pkm sign` and `pkm verify` do."""
    code, loaded = _modules("build", str(EXAMPLE), *formats, "-o", str(tmp_path / "out"))
    assert code == 0
    assert (tmp_path / "out" / "kemitraan_kesehatan.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(loaded & {"pyhanko", "pyhanko_certvalidator", "pkm_docs.signing", "pkm_docs.signing.sign",
                            "pkm_docs.signing.verify"}) == []


@pytest.mark.slow
def test_pkm_ends_with_its_exit_code_and_its_output_flushed(tmp_path):
    """The `pkm` program skips the interpreter's teardown (os._exit): what it printed, the files it wrote
    and its exit code are all there."""
    entry = "from pkm_docs.cli import entry; entry()"
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-c", entry, "build", str(EXAMPLE), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"wrote {tmp_path / 'out' / name}" for name in
                                        ("kemitraan_kesehatan.docx", "kemitraan_kesehatan.pdf")]
    assert (tmp_path / "out" / "kemitraan_kesehatan.pdf").read_bytes().startswith(b"%PDF")
    bad = subprocess.run([sys.executable, "-c", entry, "build", str(tmp_path / "missing.pkm")],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert bad.returncode == 2 and "missing.pkm" in bad.stderr
    piped = subprocess.run(f"{sys.executable} -c '{entry}' library list | head -1", shell=True,
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == 1 and "Traceback" not in piped.stderr


@pytest.mark.slow
def test_a_library_from_the_cache_needs_no_parser():
    """`pkm library list` with the library in the cache imports neither Lark nor the parser."""
    _modules("library", "list")  # fills the cache (the first load of the session may be this one)
    code, loaded = _modules("library", "list")
    assert code == 0
    assert sorted(loaded & {"lark", "pkm_docs.parser"}) == []


def test_the_long_running_commands_keep_the_cycle_collector(tmp_path):
    """`pkm` starts without Python's cycle collector (a one-shot command's objects live until it ends); a server
    and a batch over thousands of records turn it back on, a build or check does not."""
    import gc
    import io

    from pkm_docs.cli import main

    was = gc.isenabled()
    try:
        for argv, enabled in ((["batch", str(tmp_path / "missing.pkm"), str(tmp_path / "missing.csv")], True),
                              (["check", str(tmp_path / "missing.pkm")], False)):
            gc.disable()
            main(argv, stdout=io.StringIO(), stderr=io.StringIO())
            assert gc.isenabled() is enabled, argv
    finally:
        (gc.enable if was else gc.disable)()
