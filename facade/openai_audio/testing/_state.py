"""Voice consents and custom voices, kept in SQLite (``:memory:`` unless the user names a file)."""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS consents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    recording_sha256 TEXT NOT NULL,
    recording_size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS voices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sample_sha256 TEXT NOT NULL
);
"""
# Columns added since the first schema: a database file made by an older version gains them.
# Prompt voices have no consent and no sample: '' in those columns.
_VOICE_COLUMNS = {"type": "TEXT NOT NULL DEFAULT 'audio_sample'", "prompt": "TEXT"}


@dataclass(frozen=True)
class Consent:
    id: str
    name: str
    language: str
    created_at: int

    def resource(self) -> dict[str, Any]:
        return {
            "object": "audio.voice_consent",
            "id": self.id,
            "name": self.name,
            "language": self.language,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    consent_id: str  # '' for a prompt voice
    created_at: int
    type: str = "audio_sample"  # or "prompt"
    prompt: str | None = None

    def resource(self) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "object": "audio.voice",
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at,
            "type": self.type,
        }
        if self.prompt is not None:
            resource["prompt"] = self.prompt
        return resource


@dataclass(frozen=True)
class ConsentPage:
    data: list[Consent]
    has_more: bool


class Store:
    """Thread-safe store; every call is a short transaction, so calling it from the event loop is fine."""

    def __init__(self, db_path: str | os.PathLike[str] | None = None) -> None:
        self._lock = threading.Lock()
        self._closed = False
        self._db = sqlite3.connect(
            os.fspath(db_path) if db_path is not None else ":memory:", check_same_thread=False
        )
        with self._lock, self._db:
            self._db.executescript(_SCHEMA)
            present = {row[1] for row in self._db.execute("PRAGMA table_info(voices)")}
            for column, declaration in _VOICE_COLUMNS.items():
                if column not in present:
                    self._db.execute(f"ALTER TABLE voices ADD COLUMN {column} {declaration}")

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM consents")
            self._db.execute("DELETE FROM voices")

    def create_consent(self, name: str, language: str, sha256: str, size: int) -> Consent:
        consent = Consent(f"cons_{secrets.token_hex(12)}", name, language, int(time.time()))
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO consents (id, name, language, created_at, recording_sha256, recording_size)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (consent.id, name, language, consent.created_at, sha256, size),
            )
        return consent

    def get_consent(self, consent_id: str) -> Consent | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, language, created_at FROM consents WHERE id = ?", (consent_id,)
            ).fetchone()
        return Consent(*row) if row else None

    def rename_consent(self, consent_id: str, name: str) -> Consent | None:
        with self._lock, self._db:
            self._db.execute("UPDATE consents SET name = ? WHERE id = ?", (name, consent_id))
        return self.get_consent(consent_id)

    def delete_consent(self, consent_id: str) -> bool:
        with self._lock, self._db:
            cursor = self._db.execute("DELETE FROM consents WHERE id = ?", (consent_id,))
        return cursor.rowcount > 0

    def list_consents(self, *, limit: int, after: str | None) -> ConsentPage:
        """Newest first. An unknown ``after`` cursor yields an empty page (the cursor may be deleted)."""
        with self._lock:
            if after is None:
                bound = None
            else:
                row = self._db.execute("SELECT seq FROM consents WHERE id = ?", (after,)).fetchone()
                if row is None:
                    return ConsentPage([], False)
                bound = int(row[0])
            sql = "SELECT id, name, language, created_at FROM consents"
            params: tuple[int, ...] = (limit + 1,)
            if bound is not None:
                sql += " WHERE seq < ?"
                params = (bound, limit + 1)
            rows = self._db.execute(sql + " ORDER BY seq DESC LIMIT ?", params).fetchall()
        return ConsentPage([Consent(*r) for r in rows[:limit]], len(rows) > limit)

    def create_voice(self, name: str, consent_id: str, sha256: str) -> Voice:
        """A voice made from an audio sample (its sha256 kept) and a consent recording."""
        voice = Voice(f"voice_{secrets.token_hex(12)}", name, consent_id, int(time.time()))
        return self._insert_voice(voice, sha256)

    def create_prompt_voice(self, name: str, prompt: str) -> Voice:
        """A voice designed from a text description; the prompt is stored and given back."""
        voice = Voice(f"voice_{secrets.token_hex(12)}", name, "", int(time.time()), "prompt", prompt)
        return self._insert_voice(voice, "")

    def _insert_voice(self, voice: Voice, sha256: str) -> Voice:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO voices (id, name, consent_id, created_at, sample_sha256, type, prompt)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (voice.id, voice.name, voice.consent_id, voice.created_at, sha256, voice.type, voice.prompt),
            )
        return voice

    def get_voice(self, voice_id: str) -> Voice | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, consent_id, created_at, type, prompt FROM voices WHERE id = ?", (voice_id,)
            ).fetchone()
        return Voice(*row) if row else None

    def delete_voice(self, voice_id: str) -> bool:
        """Delete the voice only: the consent recording it was made with is kept."""
        with self._lock, self._db:
            cursor = self._db.execute("DELETE FROM voices WHERE id = ?", (voice_id,))
        return cursor.rowcount > 0
