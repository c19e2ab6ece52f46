"""The pages of a draft (steps, review, downloads, previews, import) and of the comparison of two drafts; imported
when the first of them is asked for."""

from __future__ import annotations

import io
import secrets
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..data import parse_data
from ..errors import PkmError, format_diagnostic
from ..model import Text
from ..reading import decode_text
from ..values import ListType, TableType
from .answers import (MAX_ROWS, MISSING, Answers, data_file, empty_answer, empty_row, from_data, read_answer,
                      to_data)
from .app import MAX_UPLOAD, Server, _server
from .form import Form
from .store import Draft
from .validate import Outcome, refused, skipped, validate

if TYPE_CHECKING:
    from .compare import Comparison


def shown_name(step: Any, answers: Answers) -> str:
    """The name a party step's answers give its party (what a profile is called unless named)."""
    for f in step.fields:
        if f.party_field == "name":
            answer = answers.get(f.name) or {}
            return str(answer.get("id", "")).strip() if isinstance(answer, dict) else ""
    return ""


def shown(field: Any, answer: Any) -> str:
    """An answer as the review screen lists it (a choice by its words, where it or its clause gives them)."""
    if field.type.kind == "choice":
        label = field.choice_label(str(answer))
        if label is not None:
            return f"{label.get('id')} / {label.get('en')}"
    return _shown(field.type, answer)


def _shown(type_: Any, answer: Any) -> str:
    value = to_data(type_, answer)
    if value is MISSING:
        return ""
    kind = type_.kind
    if kind == "text":
        return value if isinstance(value, str) else f"{value['id']} / {value['en']}"
    if kind == "list":
        return "; ".join(text for a in answer if (text := _shown(type_.item, a)))
    if kind == "allocation":
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if kind == "table":
        return "; ".join(", ".join(text for c in type_.columns if (text := _shown(c.type, row.get(c.name))))
                         for row in answer if isinstance(row, dict))
    if kind == "period":
        return " .. ".join(str(v) for v in value.values())
    if kind == "boolean":
        return "ya / yes" if value is True else "tidak / no" if value is False else str(value)
    return str(value)


# ---- requests ---------------------------------------------------------------------------------------------


def _draft(request: Request) -> tuple[Server, Draft, Form]:
    server = _server(request)
    draft = server.store.get(request.state.session, request.path_params["draft"])
    if draft is None:
        raise HTTPException(404, "no such draft")
    return server, draft, server.form(draft.template)


async def _posted(request: Request) -> Any:
    """The posted form, once its CSRF token is checked against the session's."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_UPLOAD):
        raise HTTPException(413, "too large")
    form = await request.form(max_files=2, max_fields=5_000, max_part_size=MAX_UPLOAD)
    token = form.get("csrf")
    if not isinstance(token, str) or not secrets.compare_digest(token, request.state.csrf):
        raise HTTPException(403, "the form is stale or did not come from this page; reload it")
    return form


def _skipped_steps(form: Form, answers: Answers) -> tuple[set[str], set[int]]:
    """The fields not asked (their clauses' conditions are false) and the steps all of whose fields are such."""
    fields = skipped(form, answers)
    return fields, {i for i, s in enumerate(form.steps) if s.fields and all(f.name in fields for f in s.fields)}


def _answers(form: Form, draft: Draft) -> Answers:
    return {f.name: draft.answers.get(f.name, empty_answer(f.type)) for f in form.fields}


async def new_draft(request: Request) -> Response:
    server = _server(request)
    posted = await _posted(request)
    name = str(posted.get("template", ""))
    form = server.form(name)
    answers: Answers = {}
    problems: list[str] = []
    upload = posted.get("data")
    if isinstance(upload, UploadFile) and upload.filename:
        answers, problems = await _imported(form, upload)
        if problems and not answers:
            return _import_report(request, problems, None)
    draft = server.store.create(request.state.session, name, answers)
    if problems:
        return _import_report(request, problems, f"/d/{draft.id}/step/0")
    return RedirectResponse(f"/d/{draft.id}/step/0", 303)


async def _imported(form: Form, upload: UploadFile) -> tuple[Answers, list[str]]:
    """The answers of an uploaded data file, and what of it could not be taken (as ``pkm build`` reports it)."""
    raw = await upload.read(MAX_UPLOAD + 1)
    name = Path(upload.filename or "data.yaml").name
    if len(raw) > MAX_UPLOAD:
        raise HTTPException(413, f"{name} is larger than {MAX_UPLOAD:,} bytes")
    problems: list[str] = []
    answers: Answers = {}
    try:
        text = decode_text(raw, name)
        values = parse_data(text, name)
    except PkmError as error:
        return {}, [format_diagnostic(d, {name: raw.decode("utf-8", "replace")}) for d in error.diagnostics]
    for key, given in values.items():
        f = form.field(key)
        if f is None:
            problems.append(f"{name}:{given.span.line}: the file gives `{key}`, which the template "
                            f"`{form.template}` does not ask for; it is left out")
            continue
        try:
            answer = from_data(f.type, given.value)
        except Exception as exc:  # the value is left out; the step asks for it again
            problems.append(f"{name}:{given.span.line}: `{key}`: {exc}; it is left out")
            continue
        if isinstance(answer, list) and len(answer) > MAX_ROWS:  # the form would keep the first 500 unsaid
            problems.append(f"{name}:{given.span.line}: `{key}` has {len(answer):,} rows and the form holds "
                            f"{MAX_ROWS:,}: the rows after the {MAX_ROWS:,}th are left out (`pkm build --data "
                            f"{name}` builds them all)")
            answer = answer[:MAX_ROWS]
        answers[key] = answer
    return answers, problems


def _import_report(request: Request, problems: list[str], draft_url: str | None) -> Response:
    title = Text({"id": "Berkas data tidak dapat dibaca", "en": "The data file cannot be read"}) if draft_url is None \
        else Text({"id": "Sebagian berkas data tidak diambil", "en": "Part of the data file was left out"})
    return _server(request).page(request, "problem.html", 400 if draft_url is None else 200, title=title,
                                 problems=problems, preformatted=True, next_url=draft_url)


def step(request: Request) -> Response:
    server, draft, form = _draft(request)
    number = int(request.path_params["n"])
    if not 0 <= number < len(form.steps):
        raise HTTPException(404, "no such step")
    answers = _answers(form, draft)
    skipped_fields, skipped_steps = _skipped_steps(form, answers)
    # from a finding of the review (``?checked=1``): what it found is shown at its fields here too
    outcome = _checked(server, form, answers) if request.query_params.get("checked") else None
    return server.page(request, "step.html", draft=draft, form=form, number=number, step=form.steps[number],
                       answers=answers, outcome=outcome, profiles=server.store.profiles(request.state.session),
                       skipped_fields=skipped_fields, skipped_steps=skipped_steps)


async def save_step(request: Request) -> Response:
    server, draft, form = _draft(request)
    number = int(request.path_params["n"])
    if not 0 <= number < len(form.steps):
        raise HTTPException(404, "no such step")
    posted = await _posted(request)
    answers = _answers(form, draft)
    current = form.steps[number]
    for f in current.fields:
        answers[f.name] = read_answer(f.type, posted, f.name)
    action = str(posted.get("action", "next"))
    anchor = ""
    if action in ("save-profile", "use-profile"):
        by_party_field = {f.party_field: f for f in current.fields if f.party_field}
        if action == "save-profile":
            name = str(posted.get("profile_name", "")).strip()[:200] or shown_name(current, answers)
            if name and by_party_field:
                server.store.save_profile(request.state.session, name,
                                          {key: answers[f.name] for key, f in by_party_field.items()})
        else:
            profile = server.store.profiles(request.state.session).get(str(posted.get("profile", "")))
            for key, value in (profile or {}).items():
                if key in by_party_field:
                    answers[by_party_field[key].name] = value
        server.store.save(draft, answers)
        return RedirectResponse(f"/d/{draft.id}/step/{number}", 303)
    if action.startswith(("add:", "remove:")):
        verb, _, target = action.partition(":")
        name, _, row = target.partition(":")
        target_field = form.field(name)
        if target_field is not None and isinstance(answers.get(name), list):
            rows = answers[name]
            type_ = target_field.type
            if verb == "add" and len(rows) < MAX_ROWS:
                rows.append(empty_answer(type_.item) if isinstance(type_, ListType) else empty_row(type_)
                            if isinstance(type_, TableType) else {"who": "", "amount": ""})
            elif verb == "remove" and row.isdigit() and int(row) < len(rows):
                rows.pop(int(row))
            anchor = f"#field-{name}"
        server.store.save(draft, answers)
        return RedirectResponse(f"/d/{draft.id}/step/{number}{anchor}", 303)
    server.store.save(draft, answers)
    skipped_fields, skipped_steps = _skipped_steps(form, answers)
    if action == "back":
        earlier = [i for i in range(number) if i not in skipped_steps]
        return RedirectResponse(f"/d/{draft.id}/step/{earlier[-1]}" if earlier else "/", 303)
    if action == "review":  # the review lists what is still wrong, each with a link to its field
        return RedirectResponse(f"/d/{draft.id}/review", 303)
    if action.startswith("goto:") and action[5:].isdigit():
        return RedirectResponse(f"/d/{draft.id}/step/{min(int(action[5:]), len(form.steps) - 1)}", 303)
    outcome = await run_in_threadpool(validate, form, answers, server.library, checks=False)
    if outcome.errors_in([f.name for f in current.fields if f.name not in skipped_fields]):
        return server.page(request, "step.html", 422, draft=draft, form=form, number=number, step=current,
                           answers=answers, outcome=outcome, profiles=server.store.profiles(request.state.session),
                           skipped_fields=skipped_fields, skipped_steps=skipped_steps)
    later = [i for i in range(number + 1, len(form.steps)) if i not in skipped_steps]
    if not later:
        return RedirectResponse(f"/d/{draft.id}/review", 303)
    return RedirectResponse(f"/d/{draft.id}/step/{later[0]}", 303)


def _rendered(server: Server, form: Form, answers: Answers, outcome: Outcome, fmt: str) -> bytes | None:
    """The ``fmt`` file of a checked draft, or None with the renderer's refusal filed in ``outcome`` (a character
    that no font of the PDF has: at the field it was typed in)."""
    try:
        return server.file(form, outcome, fmt)
    except PkmError as error:
        refused(form, answers, outcome, error)
        return None


def _checked(server: Server, form: Form, answers: Answers) -> Outcome:
    """The outcome of every check, and of rendering the PDF (what the review shows and a download needs)."""
    outcome = validate(form, answers, server.library)
    if outcome.ok:
        _rendered(server, form, answers, outcome, "pdf")
    return outcome


def review(request: Request) -> Response:
    server, draft, form = _draft(request)
    answers = _answers(form, draft)
    outcome = _checked(server, form, answers)
    skipped_fields, _ = _skipped_steps(form, answers)
    pages = 0
    if outcome.ok and shutil.which("pdftoppm"):
        pages = page_count(server.file(form, outcome, "pdf"))
    return server.page(request, "review.html", draft=draft, form=form, answers=answers, outcome=outcome, pages=pages,
                       skipped_fields=skipped_fields)


def download(request: Request) -> Response:
    server, draft, form = _draft(request)
    kind = request.path_params["kind"]
    answers = _answers(form, draft)
    name = form.template
    if kind == "yaml":
        return _attachment(data_file(form, answers)[0].encode("utf-8"), f"{name}.yaml", "application/yaml")
    if kind not in ("docx", "pdf", "zip"):
        raise HTTPException(404, "no such file")
    outcome = _checked(server, form, answers)
    files = {fmt: _rendered(server, form, answers, outcome, fmt) for fmt in ("docx", "pdf")
             if kind in (fmt, "zip")} if outcome.ok else {}
    if not outcome.ok or not all(files.values()):
        return RedirectResponse(f"/d/{draft.id}/review", 303)  # it says what is wrong
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for fmt in ("docx", "pdf"):
                archive.writestr(f"{name}.{fmt}", files[fmt] or b"")
            archive.writestr(f"{name}.yaml", outcome.data)
            archive.writestr(f"{name}.pkm", form.source)
        return _attachment(buffer.getvalue(), f"{name}.zip", "application/zip")
    types = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}
    return _attachment(files[kind] or b"", f"{name}.{kind}", types[kind])


def words(request: Request) -> Response:
    """How the agreement writes a value being typed (``/d/ID/words?field=total&value=950.000.000``), as text."""
    server, _, form = _draft(request)
    f = form.field(str(request.query_params.get("field", "")))
    value = str(request.query_params.get("value", ""))[:100]
    if f is None or f.type.kind not in ("money", "percent", "quantity"):
        raise HTTPException(404, "no such field")
    return Response(server.preview_of(f, value), media_type="text/plain; charset=utf-8")


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def page_image(pdf: bytes, number: int, resolution: int = 50) -> bytes | None:
    """Page ``number`` (1-based) of ``pdf`` as a PNG, by poppler's ``pdftoppm``; None where it is not installed."""
    import subprocess
    import tempfile
    program = shutil.which("pdftoppm")
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="pkm-preview-") as folder:
        source = Path(folder) / "agreement.pdf"
        source.write_bytes(pdf)
        subprocess.run([program, "-png", "-r", str(resolution), "-f", str(number), "-l", str(number), "-singlefile",
                        str(source), str(Path(folder) / "page")], check=True, capture_output=True, timeout=60)
        return (Path(folder) / "page.png").read_bytes()


def preview_page(request: Request) -> Response:
    server, draft, form = _draft(request)
    answers = _answers(form, draft)
    outcome = validate(form, answers, server.library)
    pdf = _rendered(server, form, answers, outcome, "pdf") if outcome.ok else None
    if pdf is None:
        raise HTTPException(404, "the draft has errors: no preview")
    number = int(request.path_params["page"])
    if not 1 <= number <= page_count(pdf):
        raise HTTPException(404, "no such page")
    image = page_image(pdf, number)
    if image is None:
        raise HTTPException(404, "no preview here (pdftoppm is not installed)")
    return Response(image, media_type="image/png")


async def import_data(request: Request) -> Response:
    server, draft, form = _draft(request)
    posted = await _posted(request)
    upload = posted.get("data")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return RedirectResponse(f"/d/{draft.id}/review", 303)
    answers, problems = await _imported(form, upload)
    if problems and not answers:
        return _import_report(request, problems, None)
    server.store.save(draft, answers)
    if problems:
        return _import_report(request, problems, f"/d/{draft.id}/review")
    return RedirectResponse(f"/d/{draft.id}/review", 303)


def compare_page(request: Request) -> Response:
    server = _server(request)
    drafts = [(d, server.templates.get(d.template)) for d in server.store.drafts(request.state.session)]
    return server.page(request, "compare.html", drafts=drafts, comparison=None)


async def compare_drafts(request: Request) -> Response:
    server = _server(request)
    posted = await _posted(request)
    uploads: list[Any] = []
    for side in ("old", "new"):
        upload = posted.get(side)
        saved = str(posted.get(f"{side}_draft", ""))
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise HTTPException(413, f"{upload.filename} is larger than {MAX_UPLOAD:,} bytes")
            uploads.append(_upload(upload.filename, data))
        elif saved:
            draft = server.store.get(request.state.session, saved)
            if draft is None:
                raise HTTPException(404, "no such draft")
            form = server.form(draft.template)
            answers = _answers(form, draft)
            if not (await run_in_threadpool(validate, form, answers, server.library, checks=False)).ok:
                return server.page(request, "problem.html", 400, title=Text({
                    "id": "Rancangan belum lengkap", "en": "The draft is not complete yet"}), problems=[
                    f"{form.template} · {server.summary(draft)}: isi atau perbaiki dulu isian yang ditandai pada "
                    "tinjauannya, lalu bandingkan lagi. / Fill in or fix the fields its review marks, then compare "
                    "again."], next_url=f"/d/{draft.id}/review")
            text, _ = data_file(form, answers)
            uploads.append(_upload(f"{form.template}-{draft.id[:6]}.pkm", form.source.encode("utf-8"), text))
    if len(uploads) != 2:
        return server.page(request, "problem.html", 400, title=Text({"id": "Pilih dua rancangan",
                                                                      "en": "Choose two drafts"}), problems=[])
    from .compare import CompareError, compare
    try:
        comparison = await run_in_threadpool(compare, uploads[0], uploads[1], server.library)
    except CompareError as error:
        return server.page(request, "problem.html", 400, title=Text({"id": "Rancangan tidak dapat dibandingkan",
                                                                      "en": "The drafts cannot be compared"}),
                           problems=error.lines, preformatted=True)
    key = secrets.token_urlsafe(12)
    mine = [k for k in server.comparisons if k[0] == request.state.session]
    for old_key in mine[:-4]:
        server.comparisons.pop(old_key, None)
    server.comparisons[(request.state.session, key)] = comparison
    return RedirectResponse(f"/compare/{key}", 303)


def _upload(name: str, data: bytes, data_file: str | None = None) -> Any:
    from .compare import Upload
    return Upload(name, data, data_file)


def _comparison(request: Request) -> Comparison:
    found = _server(request).comparisons.get((request.state.session, request.path_params["id"]))
    if found is None:
        raise HTTPException(404, "no such comparison")
    return found


def comparison_page(request: Request) -> Response:
    return _server(request).page(request, "compare.html", comparison=_comparison(request),
                                 key=request.path_params["id"], drafts=[])


def comparison_html(request: Request) -> Response:
    comparison = _comparison(request)
    return HTMLResponse(comparison.html, headers={"content-security-policy": comparison.csp})


def comparison_redline(request: Request) -> Response:
    comparison = _comparison(request)
    return _attachment(comparison.redline, f"redline-{Path(comparison.new_name).stem}.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _attachment(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


# ---- the application --------------------------------------------------------------------------------------


