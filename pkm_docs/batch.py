"""Batch builds: one agreement per record of a CSV, JSON Lines, JSON or YAML file (read by ``batch_records``),
built on worker processes with progress.

    pkm batch templates/kesehatan.pkm mitra.csv -o out --name-field nama_yayasan

The template is parsed and the library loaded once; each record is then resolved and rendered on its own
(``--jobs`` worker processes). A record with a mistake is reported with its row and field and the others are
still built. ``index.csv`` in the output folder lists every file written with its SHA-256.

CSV cells are text; each is converted by the type of the input its column fills, the same way a value of a
YAML data file is: a two-language text is two columns ``name.id`` and ``name.en``, and a list is written with
``;`` between its items (``Puskesmas Oesapa; Puskesmas Penfui``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import itertools
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TextIO

from . import syntax as s
from .batch_records import Record, open_records, output_names, without_values
from .check_cli import check_compiled
from .errors import Diagnostic, ERROR, PkmError, UsageError, format_diagnostic, report_error
from .library import Library, load_library
from .output import write_all, write_atomic, write_error
from .parser import parse, read_source
from .pipeline import FORMATS, Compiled, Rendering, names_only, parse_formats
from .resolve import resolve

if TYPE_CHECKING:
    from tqdm import tqdm  # imported when a bar is shown (Progress.start)

INDEX_NAME = "index.csv"

#: How many records a run hands to its workers ahead of the ones being built: enough to keep every worker busy,
#: few enough that a run of 100,000 records holds a few dozen futures, not 100,000.
AHEAD_PER_WORKER = 4

#: How many records a worker process builds before a fresh one takes its place. typst keeps what it has laid
#: out for the rest of the process (typst-py never evicts typst's memo cache: messense/typst-py#104), about
#: 0.14 MiB more for each agreement of a template: a worker of 10,000 records would hold 1.4 GB. A new worker
#: costs about half a second (its imports; the cache gives it the grammar and the library), under 1 % of 500.
RECORDS_PER_WORKER = 500
INDEX_COLUMNS = ("file", "format", "row", "sha256", "library_version")

# ---------------------------------------------------------------- building (runs in the workers)


@dataclass(frozen=True)
class OutputFile:
    file: str
    format: str
    sha256: str


@dataclass(frozen=True)
class Outcome:
    """What became of one record: the files written, or the diagnostics that stopped it."""

    index: int
    record: Record
    name: str
    files: tuple[OutputFile, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    library_version: str = ""
    #: its files were written by an earlier run (``--resume``) and are listed with their hashes in its index
    kept: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.files) and not any(d.is_error for d in self.diagnostics)


@dataclass(frozen=True)
class _Setup:
    source: s.SourceFile
    library: Library
    data_path: str
    out_dir: Path
    formats: tuple[str, ...]
    parent_pid: int = 0


_SETUP: _Setup | None = None

#: How often a worker looks whether the batch that started it is still there.
PARENT_POLL_SECONDS = 0.25


def _init_worker(setup: _Setup) -> None:
    global _SETUP
    _SETUP = setup
    if setup.parent_pid and setup.parent_pid != os.getpid():
        _end_with_parent(setup.parent_pid)


def _process_gone(pid: int) -> bool:
    """Whether ``pid`` has ended: no such process, or a zombie that its own parent has not reaped yet."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state in (b"Z", b"X")


def _end_with_parent(parent_pid: int) -> None:
    """End this worker as soon as the batch process is gone, whatever signal ended it (SIGKILL included).

    A worker's parent is multiprocessing's fork server, not the batch, and the fork server lives as long as
    the workers hold its pipe, so a thread watches the batch's pid (Linux also gets PR_SET_PDEATHSIG for the
    fork server).
    """
    if os.name == "nt":  # os.kill(pid, 0) would send the batch Ctrl-C there; Windows ends no worker this way
        return
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL: when the fork server ends, so does this worker
    except (OSError, AttributeError):
        pass
    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if _process_gone(parent_pid):
                os._exit(1)

    threading.Thread(target=watch, name="pkm-parent-watch", daemon=True).start()


def _build_one(index: int, record: Record, name: str) -> Outcome:
    """Resolve and render one record, then write its files atomically; never raises."""
    setup = _SETUP
    assert setup is not None, "_init_worker was not called"
    done = without_values(record)  # what the outcome needs of the record: not its values, sent back and kept
    if record.problems:
        return Outcome(index, done, name, diagnostics=record.problems)
    try:
        resolved = resolve(setup.source, setup.library, record.values, f"{setup.data_path} {record.label}",
                           record.raw)
        agreement = names_only(resolved.agreement)  # the manifest says `mitra.csv row 3`, not the path
        rendering = Rendering(agreement, name, setup.formats)  # the PDF is laid out while the checks run
        found = tuple(check_compiled(Compiled(agreement, resolved.warnings, {}), setup.library))
        if any(d.is_error for d in found):  # the same rule as `pkm build`: an agreement with an error is not written
            rendering.discard()
            return Outcome(index, done, name, diagnostics=found)
        files = rendering.files()
        write_all({setup.out_dir / file_name: data for file_name, data in files.items()})
    except PkmError as error:
        return Outcome(index, done, name, diagnostics=error.diagnostics)
    except OSError as exc:
        message = f"cannot write {exc.filename or setup.out_dir}: {exc.strerror or exc}"
        return Outcome(index, done, name, diagnostics=(Diagnostic("PKM000", ERROR, message),))
    except Exception:  # a bug: report it with this record and go on with the others
        last = traceback.format_exc().strip().splitlines()[-1]
        return Outcome(index, done, name, diagnostics=(
            Diagnostic("PKM900", ERROR, f"internal error (a bug in pkm-docs): {last}"),))
    written = tuple(OutputFile(file_name, file_name.rsplit(".", 1)[-1], hashlib.sha256(data).hexdigest())
                    for file_name, data in files.items())
    return Outcome(index, done, name, written, found, agreement.manifest.library_version)


# ---------------------------------------------------------------- the run


@dataclass
class BatchResult:
    outcomes: list[Outcome]
    seconds: float
    index_path: Path | None = None
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def built(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def failed(self) -> int:
        return len(self.outcomes) - self.built


class Progress:
    """Told when the run starts and as each record finishes; the default says nothing."""

    def start(self, total: int) -> None:
        pass

    def done(self, outcome: Outcome) -> None:
        pass

    def close(self) -> None:
        pass


def run_batch(template: Path, data: Path, out_dir: Path, *, formats: Sequence[str] = FORMATS,
              jobs: int | None = None, name_field: str | None = None, library: Path | Library | None = None,
              progress: Progress | None = None, shard: tuple[int, int] | None = None,
              resume: bool = False) -> BatchResult:
    """Build one agreement per record of ``data`` into ``out_dir``; the template and library are read once.

    ``shard=(i, n)`` builds the records at positions i, i + n, i + 2n ... (1-based) with the names a whole run
    gives them, and lists them in ``index.shard-I-of-N.csv``: n runs, on as many machines, build the whole run
    between them (:func:`merge_shard_indexes` then writes its ``index.csv``). ``resume`` keeps each record whose
    files the run's index lists and that are on disk with those hashes, and builds the others."""
    progress = progress or Progress()
    started = time.perf_counter()
    source = parse(read_source(template), str(template))
    lib = library if isinstance(library, Library) else load_library(library)
    inputs = [d.decl for d in source.declarations if isinstance(d, s.InputDef)]
    records = open_records(data, inputs, name_field)
    names = output_names(records.basis, template.stem)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UsageError(f"{out_dir} exists and is not a folder") from None
    except OSError as exc:
        raise UsageError(f"cannot create {out_dir}: {exc.strerror or exc}") from None
    setup = _Setup(source, lib, str(data), out_dir, tuple(formats), os.getpid())
    mine = range(len(records)) if shard is None else range(shard[0] - 1, len(records), shard[1])
    index_name = INDEX_NAME if shard is None else shard_index_name(*shard)
    keep = _keeper(out_dir / index_name, formats) if resume else None
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(mine)))
    outcomes: list[Outcome] = []
    index_file = _Index(out_dir, index_name)
    progress = _Indexing(index_file, progress)

    def todo() -> Iterator[tuple[int, tuple[Record, str]]]:
        """This run's records, read as they are handed out; with ``resume``, each one kept is done at once."""
        for index, record in enumerate(records):
            if shard is not None and index % shard[1] != shard[0] - 1:
                continue
            kept = keep(index, record, names[index]) if keep is not None else None
            if kept is not None:
                outcomes.append(kept)
                progress.done(kept)
            else:
                yield index, (record, names[index])

    try:
        progress.start(len(mine))
        pending = todo()
        first = next(pending, None)
        if first is None:
            pass  # (a resumed run with nothing left to build starts no worker)
        elif jobs == 1:
            _init_worker(setup)
            for index, (record, name) in itertools.chain([first], pending):
                outcomes.append(_build_one(index, record, name))
                progress.done(outcomes[-1])
        else:
            outcomes.extend(_run_pool(setup, itertools.chain([first], pending), jobs, progress))
    finally:
        progress.close()
        index_file.close()
    outcomes.sort(key=lambda o: o.index)
    index_path = write_index(out_dir, outcomes, index_name)
    warnings = list(dict.fromkeys(d for o in outcomes for d in o.diagnostics if not d.is_error))
    return BatchResult(outcomes, time.perf_counter() - started, index_path, warnings)


def _pool_context() -> multiprocessing.context.BaseContext:
    """Fresh worker processes, not forks of this one: a fork inherits typst's thread pool without its threads
    (a render in the parent before the batch makes a forked worker hang) and whatever else the parent holds."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _run_pool(setup: _Setup, work: Iterator[tuple[int, tuple[Record, str]]], jobs: int,
              progress: Progress) -> list[Outcome]:
    """Build ``work`` on ``jobs`` processes, handing them at most ``AHEAD_PER_WORKER`` records each ahead."""
    outcomes: list[Outcome] = []
    pending = iter(work)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context(), initializer=_init_worker,
                             initargs=(setup,), max_tasks_per_child=RECORDS_PER_WORKER) as pool:
        futures: dict[Future[Outcome], tuple[int, Record, str]] = {}

        def hand_out(count: int) -> None:
            for index, (record, name) in itertools.islice(pending, count):
                futures[pool.submit(_build_one, index, record, name)] = (index, record, name)

        hand_out(jobs * AHEAD_PER_WORKER)
        try:
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    index, record, name = futures.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        outcome = Outcome(index, without_values(record), name, diagnostics=(Diagnostic(
                            "PKM900", ERROR, "a worker process died while building this record"),))
                    outcomes.append(outcome)
                    progress.done(outcome)
                hand_out(len(done))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return outcomes


def shard_index_name(shard: int, count: int) -> str:
    """The index of one shard: ``index.shard-2-of-4.csv``."""
    return f"index.shard-{shard}-of-{count}.csv"


def parse_shard(text: str) -> tuple[int, int]:
    """``2/4`` as ``(2, 4)``: the second of four shards."""
    match = re.fullmatch(r"\s*([0-9]{1,6})\s*/\s*([0-9]{1,6})\s*", text)
    if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"`{text}` is not a shard: write I/N with 1 <= I <= N, e.g. 2/4")
    return int(match.group(1)), int(match.group(2))


def _read_index(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    return [row for row in rows if set(INDEX_COLUMNS) <= set(row) and all(row[c] is not None for c in INDEX_COLUMNS)]


def _file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _keeper(index_path: Path, formats: Sequence[str]) -> Callable[[int, Record, str], Outcome | None]:
    """What ``--resume`` asks of each record: the outcome of an earlier run when the index it left lists every
    file of the record for that record and the files are on disk with the hashes it gives; else None."""
    listed = {row["file"]: row for row in _read_index(index_path)}

    def kept(index: int, record: Record, name: str) -> Outcome | None:
        rows = [listed.get(f"{name}.{fmt}") for fmt in formats]
        if record.problems or any(row is None or row["row"] != str(record.row) for row in rows):
            return None
        present = [row for row in rows if row is not None
                   and _file_sha256(index_path.parent / row["file"]) == row["sha256"]]
        if len(present) != len(rows):
            return None
        files = tuple(OutputFile(row["file"], row["format"], row["sha256"]) for row in present)
        return Outcome(index, without_values(record), name, files, library_version=present[0]["library_version"],
                       kept=True)

    return kept


def merge_shard_indexes(out_dir: Path, count: int) -> Path:
    """``index.csv`` of a run built in ``count`` shards: the rows of every shard's index, in record order (what
    one run would have written). A missing shard index is a :class:`UsageError`."""
    rows: list[tuple[int, int, dict[str, str]]] = []
    for shard in range(1, count + 1):
        path = out_dir / shard_index_name(shard, count)
        if not path.is_file():
            raise UsageError(f"{path} does not exist", f"run `pkm batch ... --shard {shard}/{count}` first")
        for position, row in enumerate(_read_index(path)):
            record = row["row"].lstrip("'")
            rows.append((int(record) if record.isdigit() else 0, position, row))
    rows.sort(key=lambda item: item[:2])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    writer.writerows([row[c] for c in INDEX_COLUMNS] for _, _, row in rows)
    path = out_dir / INDEX_NAME
    try:
        write_atomic(path, buffer.getvalue().encode("utf-8"))
    except OSError as exc:
        raise write_error(exc, out_dir) from None
    return path


def index_rows(outcome: Outcome) -> list[tuple[str, ...]]:
    """The rows of ``index.csv`` for one record's files, each cell safe to open in a spreadsheet."""
    if not outcome.ok:
        return []
    return [tuple(spreadsheet_safe(str(cell)) for cell in
                  (f.file, f.format, outcome.record.row, f.sha256, outcome.library_version)) for f in outcome.files]


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would read it as a formula (OWASP, CSV injection)."""
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        cell = "'" + cell
    return cell.replace("\r", " ").replace("\n", " ")  # csv does not quote a lone CR, which would end the row


class _Index:
    """``index.csv`` written as each record's files land (a row appended and flushed), so that a run stopped
    by a signal leaves an index whose every row is a file on disk with that hash."""

    def __init__(self, out_dir: Path, name: str = INDEX_NAME):
        self.path = out_dir / name
        try:
            self.path.unlink(missing_ok=True)  # the rows of an earlier run may name files this run replaces
            self.handle: TextIO | None = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (kept open for the run, closed in close())
            self.writer = csv.writer(self.handle, lineterminator="\n")
            self._write([INDEX_COLUMNS])
        except OSError as exc:
            raise write_error(exc, out_dir) from None

    def add(self, outcome: Outcome) -> None:
        try:
            self._write(index_rows(outcome))
        except OSError as exc:
            raise write_error(exc, self.path.parent) from None

    def _write(self, rows: Sequence[Sequence[str]]) -> None:
        if self.handle is not None and rows:
            self.writer.writerows(rows)
            self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()
            self.handle = None


class _Indexing(Progress):
    """Adds each finished record to the index, then tells the progress it wraps."""

    def __init__(self, index: _Index, inner: Progress):
        self.index, self.inner = index, inner

    def start(self, total: int) -> None:
        self.inner.start(total)

    def done(self, outcome: Outcome) -> None:
        self.index.add(outcome)
        self.inner.done(outcome)

    def close(self) -> None:
        self.inner.close()


def write_index(out_dir: Path, outcomes: Sequence[Outcome], name: str = INDEX_NAME) -> Path:
    """``index.csv`` in record order, once every record is done: each file written, its format, the record it
    came from, its SHA-256, the library version."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for outcome in outcomes:
        writer.writerows(index_rows(outcome))
    path = out_dir / name
    try:
        write_atomic(path, buffer.getvalue().encode("utf-8"))
    except OSError as exc:
        raise write_error(exc, out_dir) from None
    return path


# ---------------------------------------------------------------- reporting


class _Reporter(Progress):
    """Failures with their diagnostics (each template mistake once); a line per record or a progress bar."""

    def __init__(self, stdout: TextIO, stderr: TextIO, sources: dict[str, str], bar: bool):
        self.stdout, self.stderr, self.sources = stdout, stderr, sources
        self.bar: tqdm[Any] | None  # made by start() when the bar is shown
        self.use_bar, self.bar, self.total, self.count = bar, None, 0, 0
        self.shown: set[Diagnostic] = set()

    def start(self, total: int) -> None:
        self.total = total
        if self.use_bar:
            from tqdm import tqdm
            self.bar = tqdm(total=total, file=self.stderr, unit="agreement", dynamic_ncols=True, leave=True)

    def say(self, text: str, stream: TextIO) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stderr)
        else:
            print(text, file=stream)

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        where = f"[{self.count}/{self.total}] {outcome.record.label}"
        if outcome.ok:
            if self.bar is None:
                done = "kept (built by an earlier run)" if outcome.kept else "wrote"
                self.say(f"{where}: {done} {', '.join(f.file for f in outcome.files)}", self.stdout)
        else:
            errors = [d for d in outcome.diagnostics if d.is_error]
            lines = [f"{where} ({outcome.name}): {len(errors)} error{'s' if len(errors) != 1 else ''}"]
            for diag in errors:
                if diag in self.shown:
                    lines.append(f"  (the same as above) {diag.code} {diag.message}")
                    continue
                self.shown.add(diag)
                lines.append(format_diagnostic(diag, self.sources))
            self.say("\n".join(lines), self.stderr)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give at least 1")
    return value


def add_batch_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``pkm batch`` to the ``pkm`` command's subparsers."""
    cmd = subparsers.add_parser("batch", help="build one agreement per row of a CSV, JSON, JSON Lines or YAML file",
                                description="Build one agreement per CSV row or JSON/YAML record, in parallel.")
    cmd.add_argument("template", type=Path, help="the agreement template (.pkm) with `input` blanks")
    cmd.add_argument("data", type=Path, help="the records: .csv (a header row of input names), .json or .yaml "
                     "(a list of mappings), .jsonl (one object per line)")
    cmd.add_argument("-o", "--output", type=Path, default=Path("out"), help="output folder (default: out)")
    cmd.add_argument("--format", default="docx,pdf", help="comma-separated formats: docx, pdf")
    cmd.add_argument("--jobs", type=_positive_int, default=None,
                     help=f"worker processes (default: the number of cores, {os.cpu_count() or 1} here)")
    cmd.add_argument("--name-field", help="the field to name each output after (default: the row number)")
    cmd.add_argument("--library", type=Path, help="clause library folder (default: the shipped library)")
    cmd.add_argument("--shard", type=parse_shard, metavar="I/N",
                     help="build only every N-th record, starting with the I-th (1/4, 2/4, 3/4, 4/4 on four machines "
                          "or array jobs); files are named as one run names them, the index is index.shard-I-of-N.csv")
    cmd.add_argument("--merge-shards", type=_positive_int, metavar="N",
                     help="build nothing: write index.csv from the N shard indexes in the output folder")
    cmd.add_argument("--resume", action="store_true",
                     help="keep the records whose files this run's index lists with hashes that match the files on "
                          "disk (a run stopped half-way); build the others")
    return cmd


def batch_command(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``pkm batch``: 0 when every record was built, 1 when any failed, 2 for a usage error."""
    sources: dict[str, str] = {}
    try:
        if args.merge_shards is not None:
            if args.shard is not None or args.resume:
                raise UsageError("--merge-shards builds nothing; give it without --shard and --resume")
            print(f"index: {merge_shard_indexes(args.output, args.merge_shards)}", file=stdout)
            return 0
        formats = parse_formats(args.format)
        bar = _is_terminal(stderr) and _has_tqdm()
        reporter = _Reporter(stdout, stderr, sources, bar)
        with _terminate_as_interrupt():
            result = run_batch(args.template, args.data, args.output, formats=formats, jobs=args.jobs,
                               name_field=args.name_field, library=args.library, progress=reporter,
                               shard=args.shard, resume=args.resume)
    except PkmError as error:
        return report_error(error, sources, stderr, "nothing was built")
    except (KeyboardInterrupt, _Terminated) as stop:
        print("interrupted; the files already written are complete and listed in index.csv, the others were "
              "not started", file=stderr)
        return 143 if isinstance(stop, _Terminated) else 130
    for diag in result.warnings:
        print(format_diagnostic(diag, sources), file=stderr)
    kept = sum(o.kept for o in result.outcomes)
    summary = (f"built {result.built - kept}{f', kept {kept}' if kept else ''}, failed {result.failed} of "
               f"{len(result.outcomes)} in {result.seconds:.1f} s; index: {result.index_path}")
    print(summary, file=stdout)
    return 1 if result.failed else 0


class _Terminated(BaseException):
    """SIGTERM (what a CI timeout sends) arrived: the run stops as for Ctrl-C, and the workers are shut down."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _has_tqdm() -> bool:
    import importlib.util
    return importlib.util.find_spec("tqdm") is not None
