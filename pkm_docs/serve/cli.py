"""``pkm serve``: the guided form on http://127.0.0.1:PORT/ (loopback only unless ``--host`` says otherwise)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import UsageError

DEFAULT_PORT = 8421


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pkm-docs" / "serve"


def add_serve_parser(commands: Any) -> None:
    serve = commands.add_parser("serve", help="fill a template in the browser: a guided form on 127.0.0.1")
    serve.add_argument("--library", type=Path, help="clause library folder (default: the shipped library); "
                       "its templates/ folder adds to the standard templates")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help=f"where drafts are kept (default {default_data_dir()})")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A bound socket (port 0 picks a free one), or a UsageError saying why not."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # Linux passes it to each connection
        sock.bind((host, port))
        sock.listen(128)  # connections wait from now on, while uvicorn starts: the printed address answers
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         "give another port with --port, or --port 0 for any free one") from None
    return sock


def serve_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import uvicorn

    from ..library import load_library
    from .app import create_app

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port", "a port is 1 to 65535, or 0 for any free one")
    # an organisation's library is checked before anything is served (a mistake in it is exit 2, as for every
    # command); the shipped one is loaded on a thread while the first page is served
    library = load_library(args.library) if args.library is not None else None
    data_dir = args.data_dir or default_data_dir()
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    if not _loopback(args.host):
        print(f"pkm serve: warning: listening on {args.host}: anyone who can reach this computer on the network can "
              "open the form and the drafts; use the default (127.0.0.1) unless you mean it", file=err)
        hosts = ("*",)
    import sqlite3
    try:
        app = create_app(library, data_dir, library_dir=args.library, allowed_hosts=hosts)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"cannot keep drafts in {data_dir}: {reason}", "give --data-dir DIR, a folder you can write") \
            from None
    sock = listen(args.host, args.port)
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    address = f"http://{shown_host}:{sock.getsockname()[1]}/"
    print(f"pkm serve: {address} (drafts in {data_dir}; Ctrl+C stops it)", file=out, flush=True)
    if not args.no_browser and out.isatty() and sys.stdin.isatty():
        import contextlib
        import webbrowser
        with contextlib.suppress(webbrowser.Error):  # no browser here: the address is printed
            webbrowser.get().open(address)
    app.state.server.warm_up(load_library if library is None else None)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])
    return 0
