"""Backends for the storage contract tests: the in-memory fake (the reference semantics), a
migrated SQLite file, and PostgreSQL in a fresh schema when CERCLE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Row, select, text

from bot.domain import PauseRequest
from bot.ports import UnitOfWorkFactory
from storage import Database, SqlStore, create_engine, dispose, upgrade
from storage.journal_crypto import JournalCipher
from storage.rows import PAUSE
from storage.tables import pause_requests
from tests.fakes import InMemoryStore

POSTGRES_URL = os.environ.get("CERCLE_TEST_POSTGRES_URL", "")
NO_POSTGRES = (
    "CERCLE_TEST_POSTGRES_URL is not set: set it to e.g. "
    "postgresql+asyncpg://postgres@127.0.0.1:5432/test to run the PostgreSQL storage tests"
)


@dataclass
class Backend:
    name: str
    store: UnitOfWorkFactory
    engine: Database | None = None
    """None for the in-memory fake."""


async def query(engine: Database, sql: str) -> list[Row[Any]]:
    """The rows of a raw SQL query, in a transaction of its own."""

    def rows(connection: Connection) -> list[Row[Any]]:
        result = connection.execute(text(sql))
        return list(result.all()) if result.returns_rows else []

    return await engine.run(rows)


async def stored_pauses(backend: Backend, session_id: int) -> list[PauseRequest]:
    """The pause requests stored for a session, oldest first.  (No port reads them back: an
    anonymous request is never shown to anyone, a named one only in its author's data.)"""
    if backend.engine is None:
        assert isinstance(backend.store, InMemoryStore)
        found = backend.store.tables.pauses.values()
        return sorted((p for p in found if p.session_id == session_id), key=lambda p: p.id)

    def read(connection: Connection) -> list[PauseRequest]:
        statement = (
            select(pause_requests)
            .where(pause_requests.c.session_id == session_id)
            .order_by(pause_requests.c.id)
        )
        return [PAUSE.load(row) for row in connection.execute(statement).mappings()]

    return await backend.engine.run(read)


@asynccontextmanager
async def sqlite_engine(path: Path) -> AsyncIterator[Database]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        yield engine
    finally:
        assert await dispose(engine)


@asynccontextmanager
async def postgres_engine() -> AsyncIterator[Database]:
    """An engine whose connections live in a schema of their own, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"cercle_test_{uuid.uuid4().hex}"
    admin = create_engine(POSTGRES_URL)
    try:
        await query(admin, f'CREATE SCHEMA "{schema}"')
        engine = create_engine(
            POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
        )
        try:
            yield engine
        finally:
            assert await dispose(engine)
            await query(admin, f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        assert await dispose(admin)


@asynccontextmanager
async def open_backend(name: str, tmp_path: Path) -> AsyncIterator[Backend]:
    if name == "memory":
        yield Backend(name, InMemoryStore())
        return
    opened = sqlite_engine(tmp_path / "cercle.db") if name == "sqlite" else postgres_engine()
    async with opened as engine:
        await upgrade(engine)
        yield Backend(name, SqlStore(engine, JournalCipher.generate()), engine)


POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=["memory", "sqlite", POSTGRES])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    async with open_backend(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
def store(backend: Backend) -> UnitOfWorkFactory:
    return backend.store


@pytest.fixture(params=["sqlite", POSTGRES])
async def sql_backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """The real databases only (for what the fake cannot show: types, statements, locks)."""
    async with open_backend(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
async def sqlite_backend(tmp_path: Path) -> AsyncIterator[Backend]:
    async with open_backend("sqlite", tmp_path) as opened:
        yield opened


@pytest.fixture
async def postgres_backend(tmp_path: Path) -> AsyncIterator[Backend]:
    async with open_backend("postgres", tmp_path) as opened:
        yield opened
