"""The benchmark's whole-process measurements: what a user waits for when they type a command.

Every figure here is a new process, timed from its start to its end (imports, grammar, library, work, exit),
the median of at least five runs after a warm-up run (which fills the per-user cache, as a user's first run
does), with the fastest and slowest beside it. Its rivals are measured the same way: the typst floor is a fresh
Python process compiling the same typst source, the pipeline floor a fresh process that parses, resolves and has
typst lay out the PDF and does nothing else, the python-docx floor a fresh process writing the same text,
LibreOffice a fresh ``soffice --convert-to pdf`` of our DOCX. The batch runs are processes pinned to one and to
two cores with ``taskset``. The PDF's memory is the peak RSS of a fresh process typesetting the synthetic agreement
of 100 and of 1,000 articles, beside that of the same words set as plain paragraphs (typst's own floor). The
load average is read before and after: above the number of cores, the figures are shown but no target is judged.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Sequence

#: The issue's targets (issue 17), judged on the figures of the same run.
BUILD_TARGET_S = 0.35
BUILD_VS_TYPST_FLOOR = 2.0
LIBREOFFICE_VS_BUILD = 5.0
VERSION_TARGET_S = 0.1
DIFF_TARGET_S = 0.5
CHECK_TARGET_S = 10.0
CHECK_ARTICLES = 5000
BATCH_SPEEDUP_TARGET = 1.8
PDF_MEMORY_TARGET_MIB = 0.2     # per article, at 1,000 articles (issue 17, item 5)
PDF_MEMORY_ARTICLES = (100, 1000)

_PKM = [sys.executable, "-m", "pkm_docs.cli"]  # the `pkm` script's own entry point (cli.entry), as a process

_FLOOR_DOCX = """\
import json, sys
import docx
document = docx.Document()
for kind, text in json.load(open(sys.argv[1], encoding="utf-8")):
    document.add_heading(text, 1) if kind == "heading" else document.add_paragraph(text)
document.save(sys.argv[2])
"""

_FLOOR_TYPST = """\
import sys
import typst
source = open(sys.argv[1], "rb").read()
pdf = typst.Compiler(root=sys.argv[2], ignore_system_fonts=True).compile(
    input=source, format="pdf", pdf_standards=["a-2b"], pdf_tags=True)
open(sys.argv[3], "wb").write(pdf)
"""


#: The least a cold build that writes the PDF must do with this stack, as a process of its own: imports, the
#: library (from the cache), parse, resolve, the typst source and typst's layout; no checks, no DOCX, no finish.
_FLOOR_PIPELINE = """\
import os, sys
from pkm_docs.pipeline import compile_agreement
from pkm_docs.renderers.pdf import typeset_pdf
pdf, _ = typeset_pdf(compile_agreement(sys.argv[1]).agreement)
open(sys.argv[2], "wb").write(pdf)
os._exit(0)  # as the pkm program ends
"""


#: A fresh process typesetting the synthetic agreement of argv[1] articles, all text new, and prints its peak RSS:
#: with our template (argv[2] "template"), or the same words as plain paragraphs in the same font ("plain": the
#: floor, what typst itself holds for that much text).
_PDF_MEMORY = """\
import json, resource, sys
from pkm_docs.bench import distinct, synthetic_source
from pkm_docs.bench_cold import plain_typst_source
from pkm_docs.library import load_library
from pkm_docs.parser import parse
from pkm_docs.pipeline import render
from pkm_docs.resolve import resolve

def peak_mib():
    # VmHWM, this process's own high-water mark: Linux keeps ru_maxrss across exec, so a child of a big benchmark
    # process would start at its parent's peak
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)

articles, kind = int(sys.argv[1]), sys.argv[2]
view = distinct(resolve(parse(synthetic_source(articles), "synthetic.pkm"), load_library()).agreement, 1)
if kind == "plain":
    import typst
    source = plain_typst_source(view)
    del view
    before = peak_mib()
    pdf = typst.Compiler(ignore_system_fonts=True).compile(input=source, format="pdf", pdf_standards=["a-2b"])
else:
    before = peak_mib()
    pdf = render(view, "pdf")
print(json.dumps({"articles": articles, "peak_mib": round(peak_mib(), 1), "peak_before_pdf_mib": round(before, 1),
                  "pdf_bytes": len(pdf)}))
"""


_UNO_CLIENT = """\
import json, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name, p.Value = name, value; return p

pipe, files = sys.argv[1], sys.argv[2:]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
deadline = time.monotonic() + 60
while True:
    try:
        context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except Exception:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.2)
desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
times = []
for path in files:
    start = time.perf_counter()
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
    document.storeToURL(uno.systemPathToFileUrl(path + ".pdf"), (prop("FilterName", "writer_pdf_Export"),))
    document.close(True)
    times.append(time.perf_counter() - start)
print(json.dumps(times))
try:
    desktop.terminate()
except Exception:
    pass  # the bridge closes as soffice ends
"""


def load() -> float | None:
    """The one-minute load average, or None where the system does not say."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def settle(limit_s: float) -> float:
    """Wait (at most ``limit_s``) until the one-minute load average is below the number of cores, so that a section
    timed after a busy one (a batch on every core) is judged on its own load; the seconds waited."""
    cores, start = os.cpu_count() or 1, time.monotonic()
    while (now := load()) is not None and now > 0.75 * cores and time.monotonic() - start < limit_s:
        time.sleep(5)
    return round(time.monotonic() - start, 1)


def cold(command: Sequence[str], runs: int, *, before: Callable[[], None] | None = None,
         env: dict[str, str] | None = None, timeout: float = 600) -> dict[str, Any]:
    """Wall seconds of ``command`` as a new process: median, min and max of ``runs`` after one warm-up run."""
    times = []
    for run in range(runs + 1):
        if before is not None:
            before()
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, timeout=timeout)
        elapsed = time.perf_counter() - start
        if done.returncode not in (0, 1):  # 1: the agreement has findings, which is work done
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
        if run:
            times.append(elapsed)
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "max_s": round(max(times), 3), "runs": runs}


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}


def _floor_texts(agreement: Any) -> list[tuple[str, str]]:
    """The words of the agreement, in order, as (heading or paragraph, text): what the DOCX floor writes."""
    out: list[tuple[str, str]] = []
    for lang in agreement.languages:
        out.append(("heading", agreement.title[lang]))
        for part in agreement.all_parts():
            if part.number is not None or part.title[lang]:
                out.append(("heading", f"{agreement.labels['article'][lang]} {part.number} {part.title[lang]}"))
            for paragraph in part.paragraphs:
                out.append(("paragraph", paragraph.text[lang]))
                out.extend(("paragraph", item[lang]) for item in paragraph.items)
    return out


def plain_typst_source(agreement: Any) -> bytes:
    """The agreement's words (:func:`_floor_texts`, every language) as plain paragraphs in the template's font, size
    and justification, with no layout of ours: what typst itself holds in memory for that much text."""
    from .renderers.pdf import typst_string

    texts = [text for _, text in _floor_texts(agreement)]
    return (f"#let texts = json(bytes({typst_string(json.dumps(texts, ensure_ascii=False))}))\n"
            '#set text(font: "Libertinus Serif", size: 11pt, hyphenate: false)\n'
            '#set par(justify: true, linebreaks: "simple")\n'
            "#for t in texts { text(t); parbreak() }\n").encode()


def bench_cold(example: Path, runs: int, *, check_articles: int, diff_articles: int, batch: int,
               soffice: bool, memory_records: int = 10_000,
               memory_articles: Sequence[int] = PDF_MEMORY_ARTICLES, settle_s: float = 0.0) -> dict[str, Any]:
    """Every whole-process figure, with the load average before and after the timings (and at the end)."""
    from .bench import batch_records, synthetic_source
    from .pipeline import compile_agreement, render
    from .renderers.pdf import main_source, template_path

    env = _env()
    # the package's bytecode first, as `pip install` writes it: a checkout run with PYTHONDONTWRITEBYTECODE
    # would otherwise compile every module from source in every process measured
    import compileall
    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=2)
    waited = settle(settle_s)
    report: dict[str, Any] = {"load_before": load(), "cores": os.cpu_count() or 1, "settled_s": waited}
    with tempfile.TemporaryDirectory(prefix="pkm-bench-cold-") as tmp:
        work = Path(tmp)
        out = work / "out"

        def clean() -> None:
            shutil.rmtree(out, ignore_errors=True)

        report["version"] = cold([*_PKM, "--version"], runs, env=env)
        report["build"] = cold([*_PKM, "build", str(example), "-o", str(out)], runs, before=clean, env=env)

        agreement = compile_agreement(example).agreement
        typst_source = work / "agreement.typ"
        typst_source.write_bytes(main_source(agreement))
        (work / "floor_typst.py").write_text(_FLOOR_TYPST, encoding="utf-8")
        report["typst_floor"] = cold([sys.executable, str(work / "floor_typst.py"), str(typst_source),
                                      str(template_path().parent), str(work / "floor.pdf")], runs, env=env)
        (work / "floor_pipeline.py").write_text(_FLOOR_PIPELINE, encoding="utf-8")
        report["pipeline_floor"] = cold([sys.executable, str(work / "floor_pipeline.py"), str(example),
                                         str(work / "floor-pipeline.pdf")], runs, env=env)
        texts = work / "texts.json"
        texts.write_text(json.dumps(_floor_texts(agreement), ensure_ascii=False), encoding="utf-8")
        (work / "floor_docx.py").write_text(_FLOOR_DOCX, encoding="utf-8")
        report["docx_floor"] = cold([sys.executable, str(work / "floor_docx.py"), str(texts),
                                     str(work / "floor.docx")], runs, env=env)
        report["build_docx"] = cold([*_PKM, "build", str(example), "-o", str(out), "--format", "docx"], runs,
                                    before=clean, env=env)

        big = work / f"check{check_articles}.pkm"
        big.write_text(synthetic_source(check_articles), encoding="utf-8")
        report["check"] = {"articles": check_articles,
                           **cold([*_PKM, "check", str(big)], max(1, runs if check_articles <= 1000 else 5), env=env)}
        old, new = work / "old.pkm", work / "new.pkm"
        old.write_text(synthetic_source(diff_articles), encoding="utf-8")
        new.write_text(synthetic_source(diff_articles, revised=True), encoding="utf-8")
        report["diff"] = {"articles": diff_articles, **cold([*_PKM, "diff", str(old), str(new)], runs, env=env)}

        report["libreoffice"] = _libreoffice(render(agreement, "docx"), work, runs) if soffice else \
            {"skipped": "--no-soffice"}
        report["libreoffice_warm"] = _libreoffice_warm(agreement, work, runs) if soffice else \
            {"skipped": "--no-soffice"}
        # the load the figures above ran under: the batch below keeps every core busy on purpose, and the memory
        # runs after it are no timings, so neither is what the verdict on the timings hangs on
        report["load_after"] = load()
        report["batch"] = _batch(batch_records(batch), work, env) if batch else {"skipped": "--batch 0"}
        report["records_memory"] = bench_records_memory((max(1, memory_records // 10), memory_records), work, env) \
            if memory_records else {"skipped": "--memory-records 0"}
        report["pdf_memory"] = pdf_memory(memory_articles, work, env)
    report["load_at_end"] = load()
    return report


def pdf_memory(sizes: Sequence[int], work: Path, env: dict[str, str]) -> dict[str, Any]:
    """The peak resident memory of a fresh process typesetting the synthetic agreement of each of two sizes (all
    text new), and the memory of one more article: (peak(b) - peak(a)) / (b - a) MiB; beside it the same for the
    same words as plain paragraphs (``plain``: typst's own floor)."""
    small, large = sizes
    script = work / "pdf_memory.py"
    script.write_text(_PDF_MEMORY, encoding="utf-8")
    report: dict[str, Any] = {"articles": [small, large]}
    for kind in ("template", "plain"):
        peaks = []
        for articles in (small, large):
            done = subprocess.run([sys.executable, str(script), str(articles), kind], capture_output=True, env=env,
                                  timeout=1800)
            if done.returncode != 0:
                return {"skipped": f"the {kind} PDF of {articles} articles failed: {done.stderr.decode()[-300:]}"}
            peaks.append(json.loads(done.stdout.decode().strip().splitlines()[-1]))
        figures = {"runs": peaks,
                   "per_article_mib": round((peaks[1]["peak_mib"] - peaks[0]["peak_mib"]) / (large - small), 3)}
        if kind == "template":
            report.update(figures)
        else:
            report["plain"] = figures
    return report


def _libreoffice(docx: bytes, work: Path, runs: int) -> dict[str, Any]:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        return {"skipped": "LibreOffice (soffice) is not installed"}
    path = work / "agreement.docx"
    path.write_bytes(docx)
    profile = work / "lo-profile"  # made by the warm-up run, as a user's first run makes theirs
    command = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(work / "lo"), str(path)]
    try:
        return cold(command, runs, timeout=300)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        return {"skipped": f"soffice failed: {exc}"}


def _uno_python() -> str | None:
    """A Python that has LibreOffice's UNO bridge (the system's, usually: python3-uno), or None."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    return None


def _libreoffice_warm(agreement: Any, work: Path, runs: int) -> dict[str, Any]:
    """LibreOffice kept running, driven over UNO: each of ``runs`` DOCX of new text (after one warm-up) loaded
    and exported to PDF, against our warm PDF render of the same new texts in this process."""
    from .bench import distinct
    from .pipeline import render

    binary, python = shutil.which("soffice") or shutil.which("libreoffice"), _uno_python()
    if binary is None or python is None:
        return {"skipped": "LibreOffice or its Python UNO bridge (python3-uno) is not installed"}
    views = [distinct(agreement, 100 + run) for run in range(runs + 1)]
    files = []
    for run, view in enumerate(views):
        path = work / f"warm-{run}.docx"
        path.write_bytes(render(view, "docx"))
        files.append(str(path))
    ours = []
    render(distinct(agreement, 99), "pdf")  # our warm-up
    for view in views[1:]:
        start = time.perf_counter()
        render(view, "pdf")
        ours.append(time.perf_counter() - start)
    pipe = f"pkmbench{os.getpid()}"
    client = work / "uno_client.py"
    client.write_text(_UNO_CLIENT, encoding="utf-8")
    office = subprocess.Popen([binary, f"-env:UserInstallation={(work / 'lo-warm-profile').as_uri()}", "--headless",
                               "--invisible", "--norestore", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        done = subprocess.run([python, str(client), pipe, *files], capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            return {"skipped": f"UNO conversion failed: {done.stderr.strip()[-300:]}"}
        times = json.loads(done.stdout.strip().splitlines()[-1])[1:]  # the first is the warm-up
    except (subprocess.SubprocessError, OSError, ValueError, IndexError) as exc:
        return {"skipped": f"UNO conversion failed: {exc}"}
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
    lo, we = statistics.median(times), statistics.median(ours)
    return {"median_s": round(lo, 3), "min_s": round(min(times), 3), "max_s": round(max(times), 3), "runs": runs,
            "ours_median_s": round(we, 3), "ratio": round(lo / we, 1)}


def _batch(records: list[dict[str, Any]], work: Path, env: dict[str, str]) -> dict[str, Any]:
    """``pkm batch`` of the records as a process pinned to one core (1 worker) and to two (2 workers)."""
    import yaml

    from .resources import resource_dir

    data = work / "batch.yaml"
    data.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    template = resource_dir("templates") / "kesehatan.pkm"
    taskset = shutil.which("taskset")
    cores = os.cpu_count() or 1
    out: dict[str, Any] = {"agreements": len(records), "pinned": taskset is not None}
    for jobs in (1, 2):
        if jobs > cores:
            out[f"jobs_{jobs}"] = {"skipped": f"{cores} core"}
            continue
        pin = [taskset, "-c", ",".join(str(c) for c in range(jobs))] if taskset else []
        folder = work / f"batch-{jobs}"
        start = time.perf_counter()
        done = subprocess.run([*pin, *_PKM, "batch", str(template), str(data), "-o", str(folder), "--jobs",
                               str(jobs)], capture_output=True, env=env, timeout=3600)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            out[f"jobs_{jobs}"] = {"skipped": f"pkm batch failed: {done.stderr.decode()[-300:]}"}
            continue
        out[f"jobs_{jobs}"] = {"seconds": round(seconds, 2), "per_second": round(len(records) / seconds, 2)}
        shutil.rmtree(folder, ignore_errors=True)
    return out


#: Records read in flat memory: a run of the larger size may grow by at most this times the smaller's growth, plus
#: ``RECORDS_MEMORY_SLACK_MIB`` (issue 17: memory stays flat over 10,000 records).
RECORDS_MEMORY_RATIO = 1.5
RECORDS_MEMORY_SLACK_MIB = 5.0

#: A fresh process reading a batch data file as ``pkm batch`` does, its records made one at a time and dropped:
#: the peak memory it grows by beyond the file's text, which it reads first (the text is held whole, as every
#: reader holds it; what must stay flat is what the records add). Linux resets the peak (VmHWM) after the text is
#: read (``/proc/self/clear_refs``); elsewhere the peak includes the text and reading it (``"text": true``).
_RECORDS_MEMORY = """\
import gc, json, resource, sys
from pathlib import Path
from pkm_docs import syntax as s
from pkm_docs.batch_records import MAX_BATCH_BYTES, text_records
from pkm_docs.parser import parse_file
from pkm_docs.reading import read_text

def status(field):
    with open("/proc/self/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith(field + ":"))

template, path, name_field = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None
inputs = [d.decl for d in parse_file(template).declarations if isinstance(d, s.InputDef)]
text = read_text(path, MAX_BATCH_BYTES, "batch data files")
gc.collect()
try:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")
    base, peak = status("VmRSS"), lambda: status("VmHWM")
except (OSError, StopIteration):
    base, peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, None
count = 0
for record in text_records(text, path, inputs, name_field):
    count += 1
top = peak() if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"records": count, "text_mib": round(path.stat().st_size / 2**20, 2),
                  "growth_mib": round((top - base) / 1024, 2), "text": peak is None}))
"""


def records_memory(template: Path, data: Path, name_field: str | None = None,
                   env: dict[str, str] | None = None) -> dict[str, Any]:
    """What a fresh process grows by reading the records of ``data`` for ``template`` (see ``_RECORDS_MEMORY``):
    ``records``, ``growth_mib``, ``text_mib`` (the file's text, not counted) and ``seconds``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RECORDS_MEMORY, str(template), str(data), name_field or ""],
                          capture_output=True, text=True, env=env or _env(), timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"reading {data} failed: {done.stderr[-500:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "seconds": round(time.perf_counter() - start, 2)}


def write_records(records: Sequence[dict[str, Any]], path: Path) -> Path:
    """``records`` as a batch data file of ``path``'s kind: a YAML list (as ``yaml.safe_dump`` writes it, shared
    values as anchors and aliases), a JSON list (a record a line), JSON Lines, or CSV (a text in two languages as
    ``name.id`` and ``name.en``, a list as ``a; b``, a table as its JSON)."""
    import csv
    import datetime

    import yaml

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime.date) else value

    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(list(records), allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif suffix in (".json", ".jsonl"):
        lines = [json.dumps(r, ensure_ascii=False, default=plain) for r in records]
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n" if suffix == ".json" else
                        "".join(line + "\n" for line in lines), encoding="utf-8")
    else:
        rows = []
        for record in records:
            row: dict[str, str] = {}
            for key, value in record.items():
                if isinstance(value, list) and value and all(isinstance(v, dict) and set(v) == {"id", "en"}
                                                             for v in value):
                    value = {"id": "; ".join(v["id"] for v in value), "en": "; ".join(v["en"] for v in value)}
                if isinstance(value, dict) and set(value) == {"id", "en"}:
                    row[f"{key}.id"], row[f"{key}.en"] = value["id"], value["en"]
                elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                    row[key] = "; ".join(value)
                elif isinstance(value, (list, dict)):
                    row[key] = json.dumps(value, ensure_ascii=False, default=plain)
                else:
                    row[key] = str(plain(value))
            rows.append(row)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(dict.fromkeys(k for row in rows for k in row)))
            writer.writeheader()
            writer.writerows(rows)
    return path


#: The fields of ``bench.batch_records`` that the records-in-memory figure reads (of kesehatan's inputs): a
#: name, numbers, a date, an address, a text in two languages, an amount and a list that every record shares
#: (which YAML writes once, with an anchor, and aliases after).
MEMORY_FIELDS = ("nomor_dinas", "nomor_mitra", "tanggal_tanda_tangan", "nama_yayasan", "ketua_yayasan",
                 "alamat_yayasan", "wilayah", "total_anggaran", "kegiatan")


def bench_records_memory(sizes: Sequence[int], work: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Records read in flat memory: for each format and size, a fresh process reading that many records (of
    :data:`MEMORY_FIELDS`, for a template of those inputs) one at a time, and what it grows by beyond the text."""
    from .bench import batch_records
    from .resources import resource_dir

    declared = [line for line in (resource_dir("templates") / "kesehatan.pkm").read_text(encoding="utf-8").splitlines()
                if line.startswith("input ") and line.split()[1].rstrip(":") in MEMORY_FIELDS]
    template = work / "records.pkm"
    template.write_text("\n".join(declared) + "\n", encoding="utf-8")
    out: dict[str, Any] = {"sizes": list(sizes), "fields": len(MEMORY_FIELDS), "formats": {}}
    records = [{k: r[k] for k in MEMORY_FIELDS} for r in batch_records(max(sizes))]
    for suffix in ("csv", "jsonl", "yaml"):
        runs = []
        for size in sizes:
            data = write_records(records[:size], work / f"records-{size}.{suffix}")
            runs.append(records_memory(template, data, "nama_yayasan", env))
            data.unlink()
        out["formats"][suffix] = runs
    return out


def _records_memory_row(figures: dict[str, Any]) -> tuple[str, str, str, bool | None]:
    """The target row of :func:`bench_records_memory`: every format's growth at the larger size within
    ``RECORDS_MEMORY_RATIO`` times its growth at the smaller plus ``RECORDS_MEMORY_SLACK_MIB``."""
    target = (f"growth at the larger size <= {RECORDS_MEMORY_RATIO}x growth at the smaller + "
              f"{RECORDS_MEMORY_SLACK_MIB:.0f} MiB, each format (beyond the file's text)")
    if "formats" not in figures:
        return "records read in flat memory", target, f"not measured ({figures.get('skipped', '?')})", None
    small, big = figures["sizes"]
    measured, ok = [], True
    for suffix, (one, many) in figures["formats"].items():
        measured.append(f"{suffix} {many['growth_mib']:.1f} / {one['growth_mib']:.1f} MiB")
        ok = ok and many["growth_mib"] <= RECORDS_MEMORY_RATIO * one["growth_mib"] + RECORDS_MEMORY_SLACK_MIB
    counted_text = any(run.get("text") for runs in figures["formats"].values() for run in runs)
    return (f"{big:,} records in flat memory (against {small:,}): CSV, JSON Lines, YAML", target,
            ", ".join(measured) + (" (peaks with the text: this system cannot reset a peak)" if counted_text
                                   else ""), None if counted_text else ok)


def cold_targets(cold_report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 17 with its figure and the ratio measured in this run; no verdict under load."""
    loads = [x for x in (cold_report.get("load_before"), cold_report.get("load_after")) if x is not None]
    cores = cold_report["cores"]
    judged = not loads or max(loads) <= cores
    build, typst = cold_report["build"]["median_s"], cold_report["typst_floor"]["median_s"]
    pipeline = cold_report.get("pipeline_floor", {})
    least = f" (parse, resolve and typst alone: {pipeline['median_s']:.3f} s)" if "median_s" in pipeline else ""
    rows = [
        ("cold `pkm build` of the example, DOCX and PDF", f"<= {BUILD_TARGET_S} s", f"{build:.3f} s{least}",
         build <= BUILD_TARGET_S),
        ("cold `pkm build` / typst floor (fresh process, same source)", f"<= {BUILD_VS_TYPST_FLOOR:.0f}x",
         f"{build / typst:.2f}x ({build:.3f} / {typst:.3f} s)", build / typst <= BUILD_VS_TYPST_FLOOR),
        ("`pkm --version`", f"<= {VERSION_TARGET_S} s", f"{cold_report['version']['median_s']:.3f} s",
         cold_report["version"]["median_s"] <= VERSION_TARGET_S),
    ]
    lo = cold_report["libreoffice"]
    if "median_s" in lo:
        ratio = lo["median_s"] / build
        rows.append(("cold LibreOffice converting our DOCX / cold `pkm build`", f">= {LIBREOFFICE_VS_BUILD:.0f}x",
                     f"{ratio:.1f}x ({lo['median_s']:.3f} / {build:.3f} s)", ratio >= LIBREOFFICE_VS_BUILD))
    else:
        rows.append(("cold LibreOffice / cold `pkm build`", f">= {LIBREOFFICE_VS_BUILD:.0f}x",
                     f"not measured ({lo['skipped']})", None))
    diff = cold_report["diff"]
    rows.append((f"cold `pkm diff` of two {diff['articles']}-article drafts", f"<= {DIFF_TARGET_S} s",
                 f"{diff['median_s']:.3f} s", diff["median_s"] <= DIFF_TARGET_S if diff["articles"] >= 200 else None))
    check = cold_report["check"]
    rows.append((f"cold `pkm check` of {check['articles']:,} articles", f"<= {CHECK_TARGET_S:.0f} s at "
                 f"{CHECK_ARTICLES:,}", f"{check['median_s']:.2f} s",
                 check["median_s"] <= CHECK_TARGET_S if check["articles"] >= CHECK_ARTICLES else None))
    batch = cold_report["batch"]
    one, two = batch.get("jobs_1", {}), batch.get("jobs_2", {})
    if "per_second" in one and "per_second" in two:
        speedup = two["per_second"] / one["per_second"]
        rows.append((f"batch of {batch['agreements']}: 2 workers / 1 worker, agreements per second"
                     f"{'' if batch['pinned'] else ' (not pinned: no taskset)'}", f">= {BATCH_SPEEDUP_TARGET}x",
                     f"{speedup:.2f}x ({two['per_second']:.2f} / {one['per_second']:.2f} per s)",
                     speedup >= BATCH_SPEEDUP_TARGET))
    else:
        rows.append(("batch: 2 workers / 1 worker", f">= {BATCH_SPEEDUP_TARGET}x", "not measured", None))
    rows.append(_records_memory_row(cold_report.get("records_memory", {"skipped": "not run"})))
    memory = cold_report.get("pdf_memory", {"skipped": "not run"})
    if "per_article_mib" in memory:
        small, large = memory["articles"]
        per = memory["per_article_mib"]
        rows.append((f"PDF memory per article at {large:,} articles (peak RSS of a fresh process, "
                     f"({large:,} - {small:,}) / {large - small:,})"
                     f"{'' if (small, large) == PDF_MEMORY_ARTICLES else ' (not the target sizes 100 and 1,000)'}",
                     f"<= {PDF_MEMORY_TARGET_MIB} MiB", f"{per:.3f} MiB ({memory['runs'][1]['peak_mib']:.0f} - "
                     f"{memory['runs'][0]['peak_mib']:.0f} MiB; the same words as plain paragraphs, typst alone: "
                     f"{memory['plain']['per_article_mib']:.3f} MiB)",
                     per <= PDF_MEMORY_TARGET_MIB if (small, large) == PDF_MEMORY_ARTICLES else None))
    else:
        rows.append(("PDF memory per article at 1,000 articles", f"<= {PDF_MEMORY_TARGET_MIB} MiB",
                     f"not measured ({memory['skipped']})", None))
    return [{"name": name, "target": target, "measured": measured, "pass": ok if judged else None,
             "judged": judged} for name, target, measured, ok in rows]


def format_cold(cold_report: dict[str, Any]) -> list[str]:
    """The whole-process figures as lines of the benchmark's table."""
    def row(label: str, figures: dict[str, Any]) -> str:
        if "median_s" not in figures:
            return f"  {label:<52} skipped ({figures.get('skipped', '?')})"
        return (f"  {label:<52} {figures['median_s']:>7.3f} s  (min {figures['min_s']:.3f}, max "
                f"{figures['max_s']:.3f}, median of {figures['runs']})")
    lines = ["", f"whole processes, cold (a new process each run, after a warm-up run); load average "
             f"{cold_report['load_before']} before, {cold_report['load_after']} after the timings (before the "
             f"batch, which keeps every core busy), {cold_report['cores']} cores",
             row("pkm --version", cold_report["version"]),
             row("pkm build (example, DOCX and PDF)", cold_report["build"]),
             row("pkm build --format docx", cold_report["build_docx"]),
             row("typst floor: python + typst compiling the same source", cold_report["typst_floor"]),
             row("pipeline floor: parse, resolve, typst; nothing else", cold_report.get(
                 "pipeline_floor", {"skipped": "not run"})),
             row("python-docx floor: python writing the same text", cold_report["docx_floor"]),
             row("LibreOffice: soffice --convert-to pdf of our DOCX", cold_report["libreoffice"]),
             row(f"pkm check ({cold_report['check']['articles']:,} articles)", cold_report["check"]),
             row(f"pkm diff (two {cold_report['diff']['articles']}-article drafts)", cold_report["diff"])]
    batch = cold_report["batch"]
    for jobs in (1, 2):
        figures = batch.get(f"jobs_{jobs}", {"skipped": batch.get("skipped", "?")})
        if "seconds" in figures:
            lines.append(f"  pkm batch of {batch['agreements']}, {jobs} worker{'s' if jobs > 1 else ''}"
                         f"{' pinned to ' + str(jobs) + ' core' + ('s' if jobs > 1 else '') if batch['pinned'] else ''}"
                         f"{'':<8} {figures['seconds']:>7.2f} s  ({figures['per_second']:.2f} agreements/s)")
        else:
            lines.append(f"  pkm batch, {jobs} worker(s): skipped ({figures.get('skipped')})")
    memory = cold_report.get("records_memory", {"skipped": "not run"})
    if "formats" in memory:
        lines.append(f"  records read in flat memory ({memory['fields']} fields each; a fresh process per file, "
                     "peak growth beyond the file's text):")
        for suffix, runs in memory["formats"].items():
            lines.append(f"    {suffix:<6} " + ", ".join(
                f"{run['records']:>6,} records {run['growth_mib']:>5.1f} MiB (text {run['text_mib']:.1f} MiB, "
                f"{run['seconds']:.1f} s)" for run in runs))
    else:
        lines.append(f"  records read in flat memory: skipped ({memory['skipped']})")
    memory = cold_report.get("pdf_memory", {"skipped": "not run"})
    if "per_article_mib" in memory:
        lines.append("  PDF memory, a fresh process typesetting the synthetic agreement (all text new): " + ", ".join(
            f"{run['articles']:,} articles peak {run['peak_mib']:.0f} MiB ({run['peak_before_pdf_mib']:.0f} before "
            f"the PDF)" for run in memory["runs"]) + f"; {memory['per_article_mib']:.3f} MiB per article; the same "
            f"words as plain paragraphs (typst's own floor): " + ", ".join(
            f"peak {run['peak_mib']:.0f} MiB" for run in memory["plain"]["runs"])
            + f"; {memory['plain']['per_article_mib']:.3f} MiB per article")
    else:
        lines.append(f"  PDF memory: skipped ({memory['skipped']})")
    warm = cold_report.get("libreoffice_warm", {"skipped": "not run"})
    if "median_s" in warm:
        lines.append(f"  LibreOffice warm (kept running, over UNO), DOCX of new text to PDF {warm['median_s']:>7.3f} s "
                     f"(min {warm['min_s']:.3f}, max {warm['max_s']:.3f}); our warm PDF render of the same new text "
                     f"{warm['ours_median_s']:.3f} s: {warm['ratio']:.1f}x")
    else:
        lines.append(f"  LibreOffice warm (kept running, over UNO): skipped ({warm['skipped']})")
    return lines
