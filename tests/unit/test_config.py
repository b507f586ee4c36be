"""The configuration: defaults, every key of [bot], and refusals that name the key at fault."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from adapters.config import (
    DATABASE_URL_ENV,
    DEFAULT_DATABASE_URL,
    BotConfig,
    Config,
    ConfigError,
    load_config,
)
from adapters.paths import anchored
from bot.domain import GroupDefaults

ROOT = Path(__file__).resolve().parents[2]
NO_ENV: dict[str, str] = {}


def parse(text: str, environ: dict[str, str] | None = None) -> Config:
    return Config.from_toml(text, environ=NO_ENV if environ is None else environ)


def refusal(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse(text)
    return caught.value


def test_defaults_without_a_file() -> None:
    config = load_config(None, environ=NO_ENV)
    assert config.bot == BotConfig()
    assert config.bot.language == "fr"
    assert config.bot.timezone == "Europe/Paris"
    assert (
        config.bot.database_url
        == DEFAULT_DATABASE_URL
        == "sqlite+aiosqlite:///cercle-data/cercle.db"
    )
    assert config.bot.session_minutes == 90
    assert config.bot.break_minutes == 10
    assert config.bot.reminder_leads == (1440, 15)
    assert config.bot.log_level is None


def test_empty_file_and_empty_section_give_the_defaults() -> None:
    assert parse("").bot == BotConfig()
    assert parse("[bot]\n").bot == BotConfig()


def test_group_defaults_follow_the_configuration() -> None:
    config = parse(
        """
        [bot]
        language = "en"
        timezone = "America/Montreal"
        session_minutes = 120
        break_minutes = 15
        reminder_leads = [15, 2880, 60]
        """
    )
    assert config.defaults() == GroupDefaults(
        language="en",
        timezone="America/Montreal",
        session_minutes=120,
        break_minutes=15,
        reminder_leads=(2880, 60, 15),
    )


def test_default_config_gives_the_cores_default_group() -> None:
    assert Config().defaults() == GroupDefaults()


def test_config_is_frozen() -> None:
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.bot.language = "en"  # type: ignore[misc]


def test_every_key_is_read() -> None:
    config = parse(
        """
        [bot]
        language = "EN"
        timezone = "UTC"
        database_url = "postgresql+asyncpg://cercle@localhost/cercle"
        session_minutes = 15
        break_minutes = 60
        reminder_leads = []
        log_level = "debug"
        """
    )
    assert config.bot == BotConfig(
        language="en",
        timezone="UTC",
        database_url="postgresql+asyncpg://cercle@localhost/cercle",
        session_minutes=15,
        break_minutes=60,
        reminder_leads=(),
        log_level="DEBUG",
    )


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('[bot]\nlanguage = "de"', "bot.language", "'fr', 'en'"),
        ("[bot]\nlanguage = 1", "bot.language", "expected a string, got an integer"),
        ('[bot]\ntimezone = "Europe/Pariss"', "bot.timezone", "IANA time zone"),
        ('[bot]\ntimezone = "../etc/passwd"', "bot.timezone", "IANA time zone"),
        ('[bot]\ntimezone = ""', "bot.timezone", "IANA time zone"),
        ("[bot]\ntimezone = true", "bot.timezone", "expected a string, got a boolean"),
        ('[bot]\ndatabase_url = "mysql://x"', "bot.database_url", "sqlite+aiosqlite:///"),
        ('[bot]\ndatabase_url = "sqlite+aiosqlite://"', "bot.database_url", "PATH"),
        ("[bot]\nsession_minutes = 14", "bot.session_minutes", "between 15 and 240, got 14"),
        ("[bot]\nsession_minutes = 241", "bot.session_minutes", "between 15 and 240"),
        ('[bot]\nsession_minutes = "90"', "bot.session_minutes", "got a string"),
        ("[bot]\nsession_minutes = 90.0", "bot.session_minutes", "got a number"),
        ("[bot]\nbreak_minutes = true", "bot.break_minutes", "got a boolean"),
        ("[bot]\nbreak_minutes = 0", "bot.break_minutes", "between 1 and 60, got 0"),
        ("[bot]\nbreak_minutes = 61", "bot.break_minutes", "between 1 and 60"),
        ("[bot]\nreminder_leads = 15", "bot.reminder_leads", "a list of minutes"),
        ('[bot]\nreminder_leads = ["24h"]', "bot.reminder_leads[0]", "got a string"),
        ("[bot]\nreminder_leads = [15, 0]", "bot.reminder_leads[1]", "between 1 and 10080"),
        ("[bot]\nreminder_leads = [20000]", "bot.reminder_leads[0]", "one week"),
        ("[bot]\nreminder_leads = [1, 2, 3, 4, 5, 6]", "bot.reminder_leads", "at most 5"),
        ('[bot]\nlog_level = "chatty"', "bot.log_level", "DEBUG, INFO"),
        ("[bot]\nlanguag = 'fr'", "bot.languag", "unknown key"),
        ("[bot]\n[bot.extra]\nx = 1", "bot.extra", "unknown key"),
        (
            "[slack]\nenabled = true",
            "slack",
            "unknown section (expected one of: [bot], [discord], [http], [matrix], [resources])",
        ),
        ("[matrix]\nenabled = true", "matrix.homeserver", "required when matrix.enabled is true"),
        ("[matrix]\nenabled = 1", "matrix.enabled", "expected true or false, got an integer"),
        (
            "[matrix]\nuser_id = 'cercle'",
            "matrix.user_id",
            "expected a Matrix user id such as '@cercle:example.org', got 'cercle'",
        ),
        (
            "[matrix]\nmoderator_power_level = 150",
            "matrix.moderator_power_level",
            "expected a power level from 0 to 100, got 150",
        ),
        (
            "[matrix]\nallowed_inviters = ['bob']",
            "matrix.allowed_inviters[0]",
            "expected a user id ('@ann:example.org') or a server (':example.org'), got 'bob'",
        ),
        (
            "[discord]\ndev_guild_id = 'x'",
            "discord.dev_guild_id",
            "expected a Discord id (a positive whole number), got 'x'",
        ),
        (
            "[discord]\ncolour = 'x'",
            "discord.colour",
            "unknown key (expected one of: dev_guild_id, enabled, member_events, "
            "moderator_role, new_dms_per_second, voice_mode)",
        ),
        ("[discord]\nnew_dms_per_second = 0", "discord.new_dms_per_second", "more than 0"),
        ("[discord]\nnew_dms_per_second = 8", "discord.new_dms_per_second", "at most 5"),
        (
            "[discord]\nnew_dms_per_second = '1'",
            "discord.new_dms_per_second",
            "expected a number such as 0.5, got a string",
        ),
        ('language = "fr"', "language", "unknown section"),
        ('bot = "fr"', "bot", "expected a [bot] section"),
    ],
)
def test_bad_values_name_the_key_and_what_was_expected(text: str, key: str, expected: str) -> None:
    error = refusal(text)
    assert error.key == key
    assert str(error).startswith(f"{key}: ")
    assert expected in str(error)


def test_invalid_toml_is_a_config_error() -> None:
    error = refusal("[bot\nlanguage = ")
    assert "not valid TOML" in str(error)
    assert error.key is None


def test_the_database_url_can_come_from_the_environment() -> None:
    secret = "postgresql+asyncpg://cercle:s3cret@db/cercle"
    config = parse('[bot]\ndatabase_url = "sqlite+aiosqlite:///x.db"', {DATABASE_URL_ENV: secret})
    assert config.bot.database_url == secret
    assert parse("", {DATABASE_URL_ENV: ""}).bot.database_url == DEFAULT_DATABASE_URL


def test_a_bad_database_url_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        parse("", {DATABASE_URL_ENV: "mysql://nope"})
    assert caught.value.key == DATABASE_URL_ENV
    assert str(caught.value).startswith(f"{DATABASE_URL_ENV}: expected")


def test_with_database_replaces_only_the_url() -> None:
    config = parse('[bot]\nlanguage = "en"').with_database("sqlite+aiosqlite:////tmp/other.db")
    assert config.bot.database_url == "sqlite+aiosqlite:////tmp/other.db"
    assert config.bot.language == "en"
    with pytest.raises(ConfigError):
        config.with_database("nonsense")


def test_load_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cercle.toml"
    path.write_text('[bot]\ntimezone = "Nowhere/Land"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=NO_ENV)
    assert caught.value.key == "bot.timezone"
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}: bot.timezone: expected an IANA time zone")


def test_load_config_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "cercle.toml"
    path.write_text('[bot]\nlanguage = "en"\nbreak_minutes = 5\n', encoding="utf-8")
    config = load_config(path, environ=NO_ENV)
    assert (config.bot.language, config.bot.break_minutes, config.source) == ("en", 5, str(path))


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "missing.toml", environ=NO_ENV)


def test_the_example_file_is_valid_and_documents_every_key() -> None:
    example = ROOT / "config.example.toml"
    config = load_config(example, environ=NO_ENV)
    assert config.bot == anchored(Config(), ROOT).bot, "the example shows the defaults"
    text = example.read_text(encoding="utf-8")
    uncommented = (
        text.replace("# log_level", "log_level")
        .replace("# journal_key_file", "journal_key_file")
        .replace("# data_dir", "data_dir")
    )
    documented = set(tomllib.loads(uncommented)["bot"])
    assert documented == {f.name for f in dataclasses.fields(BotConfig)}
    lines = text.splitlines()
    for key in documented:
        index = next(
            i for i, line in enumerate(lines) if line.startswith((f"{key} =", f"# {key} ="))
        )
        assert lines[index - 1].startswith("#"), f"{key} has no comment above it"


def test_resources_are_lines_per_known_language() -> None:
    config = Config.from_toml('[resources]\nfr = ["3114", "SOS Amitié — 09 72 39 40 50"]')
    assert config.resources.by_language == {"fr": ("3114", "SOS Amitié — 09 72 39 40 50")}
    for text, key in (
        ('[resources]\nde = ["110"]', "resources.de"),
        ("[resources]\nfr = []", "resources.fr"),
        ('[resources]\nfr = "3114"', "resources.fr"),
        ("[resources]\nfr = [3114]", "resources.fr"),
    ):
        with pytest.raises(ConfigError) as raised:
            Config.from_toml(text)
        assert raised.value.key == key


def test_the_journal_key_lies_beside_the_sqlite_file_unless_configured() -> None:
    assert BotConfig().journal_key_path() == Path("cercle-data/cercle.db.journal-key")
    other = BotConfig(database_url="sqlite+aiosqlite:///data/groups.db")
    assert other.journal_key_path() == Path("data/groups.db.journal-key")
    postgres = BotConfig(database_url="postgresql+asyncpg://db/cercle")
    assert postgres.journal_key_path() == Path("cercle-journal.key")
    chosen = BotConfig(journal_key_file="/etc/cercle/key")
    assert chosen.journal_key_path() == Path("/etc/cercle/key")


def test_relative_paths_are_read_from_the_configuration_folder_not_the_working_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    path = folder / "cercle.toml"
    path.write_text(
        '[bot]\ndatabase_url = "sqlite+aiosqlite:///data/c.db"\njournal_key_file = "k.key"\n'
        '[matrix]\nstore_path = "store"\n',
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(Path("..") / "etc" / "cercle.toml", environ=NO_ENV)
    assert config.bot.database_url == f"sqlite+aiosqlite:///{folder / 'data' / 'c.db'}"
    assert config.bot.journal_key_path() == folder / "k.key"
    assert config.matrix.store_path == str(folder / "store")


def test_data_dir_anchors_relative_paths_and_the_default_journal_key(tmp_path: Path) -> None:
    path = tmp_path / "cercle.toml"
    path.write_text(
        '[bot]\ndata_dir = "var"\ndatabase_url = "postgresql+asyncpg://u@h/d"\n', encoding="utf-8"
    )
    config = load_config(path, environ=NO_ENV)
    assert config.bot.journal_key_path() == tmp_path / "var" / "cercle-journal.key"
    assert config.matrix.store_path == str(tmp_path / "var" / "matrix-store")
    absolute = tmp_path / "abs.db"
    path.write_text(f'[bot]\ndatabase_url = "sqlite+aiosqlite:///{absolute}"\n', encoding="utf-8")
    config = load_config(path, environ=NO_ENV)
    assert config.bot.database_url.endswith(str(absolute))
    assert config.bot.journal_key_path() == tmp_path / "abs.db.journal-key"
