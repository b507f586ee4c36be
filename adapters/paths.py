"""Relative paths of a configuration file are read from the file's folder (or ``[bot] data_dir``),
never from wherever the command happens to be started: ``cercle run --config /etc/cercle.toml``
finds the same database from any working directory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from adapters.config import Config

SQLITE_PREFIX = "sqlite+aiosqlite:///"


def anchored(config: Config, config_folder: Path) -> Config:
    """``config`` with its SQLite file, journal key and Matrix store made absolute."""
    base = config_folder
    if config.bot.data_dir is not None:
        base = _absolute(Path(config.bot.data_dir).expanduser(), config_folder)
    bot = replace(config.bot, data_dir=str(base))
    url = bot.database_url
    database = url.removeprefix(SQLITE_PREFIX)
    if url.startswith(SQLITE_PREFIX) and database and not database.startswith(":memory:"):
        bot = replace(bot, database_url=SQLITE_PREFIX + str(_absolute(Path(database), base)))
    if bot.journal_key_file is not None:
        key = _absolute(Path(bot.journal_key_file).expanduser(), base)
        bot = replace(bot, journal_key_file=str(key))
    store = str(_absolute(Path(config.matrix.store_path).expanduser(), base))
    return replace(config, bot=bot, matrix=replace(config.matrix, store_path=store))


def _absolute(path: Path, base: Path) -> Path:
    return path if path.is_absolute() else (base / path).resolve()
