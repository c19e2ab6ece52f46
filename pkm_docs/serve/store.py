"""Drafts and sessions in one SQLite file under ``--data-dir``: a draft is resumed after a restart, and each
belongs to the browser session that made it (its id is random; another session cannot open it)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

_SCHEMA = """
create table if not exists sessions (id text primary key, csrf text not null, created real not null);
create table if not exists drafts (
    id text primary key, owner text not null, template text not null, answers text not null,
    created real not null, updated real not null);
create index if not exists drafts_owner on drafts(owner);
create table if not exists profiles (
    owner text not null, name text not null, fields text not null, updated real not null,
    primary key (owner, name));
"""


@dataclass(frozen=True)
class Draft:
    id: str
    owner: str
    template: str
    answers: dict[str, Any]
    updated: float


class Store:
    """The database; every call opens its own short transaction, so request threads may share one Store."""

    def __init__(self, folder: Path):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # drafts hold people's names and addresses
        self.path = folder / "pkm-serve.sqlite3"
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("pragma journal_mode=wal")
        return db

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            db = self._db()
            try:
                return db.execute(sql, args).fetchall()
            finally:
                db.close()

    # sessions ---------------------------------------------------------------------------------------------
    def session(self, session_id: str | None) -> tuple[str, str, bool]:
        """``(session id, its CSRF token, new?)``: the session the cookie names, or a new one."""
        if session_id:
            rows = self._run("select csrf from sessions where id = ?", (session_id,))
            if rows:
                return session_id, rows[0][0], False
        new_id, csrf = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self._run("insert into sessions values (?, ?, ?)", (new_id, csrf, time.time()))
        return new_id, csrf, True

    # drafts -----------------------------------------------------------------------------------------------
    def create(self, owner: str, template: str, answers: dict[str, Any]) -> Draft:
        now = time.time()
        draft = Draft(secrets.token_urlsafe(16), owner, template, answers, now)
        self._run("insert into drafts values (?, ?, ?, ?, ?, ?)",
                  (draft.id, owner, template, json.dumps(answers), now, now))
        return draft

    def get(self, owner: str, draft_id: str) -> Draft | None:
        rows = self._run("select template, answers, updated from drafts where id = ? and owner = ?",
                         (draft_id, owner))
        if not rows:
            return None
        template, answers, updated = rows[0]
        return Draft(draft_id, owner, template, json.loads(answers), updated)

    def save(self, draft: Draft, answers: dict[str, Any]) -> None:
        self._run("update drafts set answers = ?, updated = ? where id = ? and owner = ?",
                  (json.dumps(answers), time.time(), draft.id, draft.owner))

    def drafts(self, owner: str) -> Iterator[Draft]:
        for draft_id, template, answers, updated in self._run(
                "select id, template, answers, updated from drafts where owner = ? order by updated desc", (owner,)):
            yield Draft(draft_id, owner, template, json.loads(answers), updated)

    # party profiles: an organisation's name, legal basis, address, signatory ... typed once ---------------
    def save_profile(self, owner: str, name: str, fields: dict[str, Any]) -> None:
        self._run("insert or replace into profiles values (?, ?, ?, ?)", (owner, name, json.dumps(fields), time.time()))

    def profiles(self, owner: str) -> dict[str, dict[str, Any]]:
        return {name: json.loads(fields) for name, fields in
                self._run("select name, fields from profiles where owner = ? order by name", (owner,))}
