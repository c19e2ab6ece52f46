"""The Starlette application of ``pkm serve``: pick a template, fill its steps, review, download."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import PkmError, format_diagnostic
from ..model import Text
from ..templates_cli import list_templates
from .store import Draft, Store

if TYPE_CHECKING:  # the pages of a draft, the parser, the checks and the renderers are imported on first use
    from ..library import Library
    from .compare import Comparison
    from .form import Form
    from .validate import Outcome

HERE = Path(__file__).parent
#: The largest request body (an uploaded data file, a long form); larger ones get 413.
MAX_UPLOAD = 1_000_000
COOKIE = "pkm_session"
CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
       "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def month_names() -> list[tuple[int, tuple[str, ...]]]:
    """Each month's number and its name in Indonesian and English (Babel's), for the date controls."""
    from ..locale import format_date
    return [(m, tuple(format_date(datetime.date(2000, m, 1), lang).split(" ")[1] for lang in ("id", "en")))
            for m in range(1, 13)]


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path
    description: Text


def _describe(text: str) -> Text:
    id_text, slash, en_text = text.partition(" / ")
    return Text({"id": id_text, "en": en_text if slash else id_text})


def find_templates(library_dir: Path | None) -> list[TemplateInfo]:
    """The standard templates, then those in the organisation's library folder (``DIR/templates/*.pkm``)."""
    found = [TemplateInfo(t.name, t.path, _describe(t.description)) for t in list_templates()]
    if library_dir is not None and (library_dir / "templates").is_dir():
        for path in sorted((library_dir / "templates").glob("*.pkm")):
            first = path.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
            description = first[0].lstrip("# ").strip() if first and first[0].startswith("#") else path.stem
            if all(t.name != path.stem for t in found):
                found.append(TemplateInfo(path.stem, path, _describe(description)))
    return found


class TemplateError(Exception):
    """A template cannot be made into a form; ``lines`` are its diagnostics as ``pkm check`` prints them."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class Server:
    """What the routes share: the library, the templates' forms, the store, the page templates."""

    def __init__(self, library: Library | None, store: Store, library_dir: Path | None = None):
        self._library: Future[Library] = Future()
        if library is not None:
            self._library.set_result(library)
        self.store = store
        self.templates = {t.name: t for t in find_templates(library_dir)}
        self._forms: dict[str, Form] = {}
        self._files: dict[str, dict[str, bytes]] = {}
        self._files_lock = threading.Lock()  # the previews of one draft are asked for together
        self.comparisons: dict[tuple[str, str], Comparison] = {}  # (session, id): the last few of each session
        self.jinja = Environment(loader=FileSystemLoader(HERE / "templates"),
                                 autoescape=select_autoescape(default=True, default_for_string=True))
        self.jinja.globals.update(preview_of=self.preview_of, shown=lambda f, a: _pages().shown(f, a),
                                  month_names=month_names, summary=self.summary)
        self.jinja.filters["zip"] = zip

    @property
    def library(self) -> Library:
        """The clause library (waited for while it is still being loaded)."""
        return self._library.result()

    def warm_up(self, load: Callable[[], Library] | None = None) -> None:
        """On a thread of its own, once the address answers: load the library (when ``load`` is given), make every
        template's form and validate it once, so the first step a person sends is answered at once."""
        def run() -> None:
            if load is not None:
                try:
                    self._library.set_result(load())
                except BaseException as exc:  # the pages that need the library raise it; nothing else to do here
                    self._library.set_exception(exc)
                    return
            for name in list(self.templates):
                try:
                    from .validate import validate
                    validate(self.form(name), {}, self.library, checks=False)
                except Exception:  # a broken template says so when it is chosen
                    continue
        threading.Thread(target=run, name="pkm-serve-warm-up", daemon=True).start()

    def form(self, name: str) -> Form:
        if name not in self._forms:
            if name not in self.templates:
                raise HTTPException(404, "no such template")
            from .form import build_form
            try:
                self._forms[name] = build_form(self.templates[name].path, self.library, name)
            except PkmError as error:  # a template of the organisation's library that does not parse
                path = self.templates[name].path
                sources = {f"{name}.pkm": path.read_text(encoding="utf-8", errors="replace")}
                raise TemplateError([format_diagnostic(d, sources) for d in error.diagnostics]) from None
        return self._forms[name]

    def summary(self, draft: Draft) -> str:
        """What tells a saved draft from the others: the names of its parties given so far, how many answers it
        holds (fields filled in) and when it was last changed."""
        from .answers import MISSING, to_data
        updated = datetime.datetime.fromtimestamp(draft.updated).strftime("%d-%m-%Y %H.%M")
        try:
            fields = self.form(draft.template).fields
        except (HTTPException, TemplateError):  # a template gone or broken since: its name says enough
            return f"diubah / updated {updated}"
        given = [f for f in fields if f.name in draft.answers and to_data(f.type, draft.answers[f.name]) is not MISSING]
        names = [str(draft.answers[f.name].get("id", "")).strip() for f in given
                 if f.party_field == "name" and isinstance(draft.answers[f.name], dict)]
        return " · ".join([*(n for n in names if n), f"{len(given)} isian / answers", f"diubah / updated {updated}"])

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.update(csrf=request.state.csrf, request=request)
        return HTMLResponse(self.jinja.get_template(name).render(**context), status_code=status)

    def preview_of(self, field: Any, answer: Any) -> str:
        """``Rp950.000.000`` → its figures and words as the agreement will write them (empty if not readable)."""
        if field.type.kind not in ("money", "percent", "quantity", "duration", "date", "period"):
            return ""
        from ..values import Env
        from .answers import MISSING, to_data
        from .validate import preview
        value = to_data(field.type, answer)
        if value is MISSING:
            return ""
        try:
            typed = field.type.from_data(value, Env.empty())
        except Exception:  # any value the type refuses simply has no preview; the checks report it
            return ""
        return " / ".join(p for p in (preview(field, typed, "id"), preview(field, typed, "en")) if p)

    def file(self, form: Form, outcome: Outcome, fmt: str) -> bytes:
        """The ``docx`` or ``pdf`` of a checked draft, rendered when first asked for (the files of the last few
        drafts are kept: the download after the preview renders nothing again)."""
        assert outcome.compiled is not None
        key = hashlib.sha256(f"{form.template}\0{outcome.data}".encode()).hexdigest()
        with self._files_lock:
            files = self._files.setdefault(key, {})
            if len(self._files) > 8:
                self._files.pop(next(iter(self._files)))
            name = f"{form.template}.{fmt}"  # the key Rendering.files gives it
            if name not in files:
                from ..pipeline import Rendering
                files.update(Rendering(outcome.compiled.agreement, form.template, (fmt,)).files())
            return files[name]


def _server(request: Request) -> Server:
    return request.app.state.server


def home(request: Request) -> Response:
    server = _server(request)
    drafts = [(d, server.templates.get(d.template)) for d in server.store.drafts(request.state.session)]
    return server.page(request, "home.html", templates=list(server.templates.values()), drafts=drafts)


class _Guard:
    """Every response: the session cookie, a strict Content-Security-Policy and no caching of drafts."""

    def __init__(self, app: Callable[..., Awaitable[None]], store: Store):
        self.app = app
        self.store = store

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session, csrf, new = self.store.session(request.cookies.get(COOKIE))
        scope.setdefault("state", {}).update(session=session, csrf=csrf)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"content-security-policy" for name, _ in headers):
                    headers += [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY")]
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"cache-control", b"no-store")]
                if new:
                    headers.append((b"set-cookie", f"{COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; "
                                                   f"Max-Age={400 * 24 * 3600}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "")
    titles = {404: ("Tidak ditemukan", "Not found"), 403: ("Formulir kedaluwarsa", "The form is stale"),
              413: ("Berkas terlalu besar", "The upload is too large")}
    id_text, en_text = titles.get(status, ("Ada yang salah", "Something went wrong"))
    server = _server(request)
    return server.page(request, "problem.html", status, title=Text({"id": id_text, "en": en_text}),
                       problems=[str(detail)] if detail else [])


async def _template_error(request: Request, exc: Exception) -> Response:
    lines = exc.lines if isinstance(exc, TemplateError) else [str(exc)]
    return _server(request).page(request, "problem.html", 500, title=Text({
        "id": "Templat ini tidak dapat dipakai", "en": "This template cannot be used"}), problems=lines,
        preformatted=True)


def _pages() -> Any:
    from . import pages
    return pages


def _lazy(name: str) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint ``pages.NAME``, imported when first asked for: the template picker needs none of it."""
    async def endpoint(request: Request) -> Response:
        handler = getattr(_pages(), name)
        if asyncio.iscoroutinefunction(handler):
            return await handler(request)
        return await run_in_threadpool(handler, request)
    endpoint.__name__ = name
    return endpoint


def create_app(library: Library | None, data_dir: Path, *, library_dir: Path | None = None,
               allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")) -> Starlette:
    """The application: its drafts in ``data_dir``, its clauses from ``library`` (None: the shipped library, loaded
    by :meth:`Server.warm_up` while the first page is served)."""
    store = Store(data_dir)
    routes = [
        Route("/", home), Route("/new", _lazy("new_draft"), methods=["POST"]),
        Route("/d/{draft}/step/{n:int}", _lazy("step")),
        Route("/d/{draft}/step/{n:int}", _lazy("save_step"), methods=["POST"]),
        Route("/d/{draft}/review", _lazy("review")), Route("/d/{draft}/import", _lazy("import_data"), methods=["POST"]),
        Route("/d/{draft}/download/{kind}", _lazy("download")),
        Route("/d/{draft}/preview/{page:int}.png", _lazy("preview_page")), Route("/d/{draft}/words", _lazy("words")),
        Route("/compare", _lazy("compare_page")), Route("/compare", _lazy("compare_drafts"), methods=["POST"]),
        Route("/compare/{id}", _lazy("comparison_page")), Route("/compare/{id}/diff.html", _lazy("comparison_html")),
        Route("/compare/{id}/redline.docx", _lazy("comparison_redline")),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error, TemplateError: _template_error},
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
                                Middleware(_Guard, store=store)])
    app.state.server = Server(library, store, library_dir)
    return app
