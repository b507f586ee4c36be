"""Backends for the storage contract tests: the in-memory fake (the reference semantics), a
migrated SQLite file, and PostgreSQL in a fresh schema when CERCLE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ports import UnitOfWorkFactory
from storage import SqlStore, create_engine, dispose, upgrade
from storage.journal_crypto import JournalCipher
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
    engine: AsyncEngine | None = None
    """None for the in-memory fake."""


@asynccontextmanager
async def sqlite_engine(path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        yield engine
    finally:
        assert await dispose(engine)


@asynccontextmanager
async def postgres_engine() -> AsyncIterator[AsyncEngine]:
    """An engine whose connections live in a schema of their own, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"cercle_test_{uuid.uuid4().hex}"
    admin = create_engine(POSTGRES_URL)
    try:
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(
            POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
        )
        try:
            yield engine
        finally:
            assert await dispose(engine)
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
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
