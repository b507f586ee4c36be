"""The bot's configuration: one typed, frozen object, parsed once from TOML.

Every key is checked when the file is read; anything unknown, of the wrong type or out of range
stops start-up with a :class:`ConfigError` that names the key (``bot.timezone``) and says what
was expected.  Secrets never live in the file: they come from environment variables
(``CERCLE_DATABASE_URL`` may carry a PostgreSQL password instead of ``bot.database_url``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from babel import Locale

from bot.domain import GroupDefaults
from bot.domain.group import LANGUAGES
from bot.resources import CountryLines, Resources
from bot.timezones import close_zones, is_zone

DATABASE_URL_ENV = "CERCLE_DATABASE_URL"
"""When set, replaces ``bot.database_url`` (keeps a database password out of the file)."""

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///cercle-data/cercle.db"
"""Beside where Cercle runs, in a folder of its own (git ignores ``cercle-data/``)."""
DATABASE_SCHEMES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SESSION_MINUTES = (15, 240)
BREAK_MINUTES = (1, 60)
REMINDER_LEAD_MINUTES = (1, 7 * 24 * 60)
MAX_REMINDER_LEADS = 5

T = TypeVar("T")


class ConfigError(Exception):
    """A configuration problem that stops start-up.  ``key`` is the dotted key at fault, if any."""

    def __init__(self, message: str, key: str | None = None, source: str | None = None) -> None:
        super().__init__(message, key, source)
        self.message = message
        self.key = key
        self.source = source

    def __str__(self) -> str:
        where = [part for part in (self.source, self.key) if part]
        return ": ".join([*where, self.message])


@dataclass(frozen=True, slots=True)
class BotConfig:
    """The ``[bot]`` section."""

    language: str = "fr"
    """Language of new groups: ``fr`` or ``en``."""
    timezone: str = "Europe/Paris"
    """Time zone of new groups (IANA name)."""
    database_url: str = DEFAULT_DATABASE_URL
    session_minutes: int = 90
    """Default length of a session for new groups."""
    break_minutes: int = 10
    """Default length of a break for new groups."""
    reminder_leads: tuple[int, ...] = (24 * 60, 15)
    """Minutes before a session at which new groups are reminded, largest first."""
    log_level: str | None = None
    """``None``: the adapter's default (INFO for the bot, WARNING for the console)."""
    log_format: str = "text"
    """``text``: ``key=value`` lines; ``json``: one JSON object per line."""
    library_log_level: str = "WARNING"
    """How much discord.py, matrix-nio, aiohttp and APScheduler say: WARNING, or INFO when
    asked (never DEBUG: their debug output holds what members typed).  Database libraries stay
    at WARNING whatever is set."""
    journal_key_file: str | None = None
    """Where the key that encrypts journal notes lives (created, mode 0600, on first run).
    ``None``: beside the SQLite file (``cercle.db.journal-key``), or ``cercle-journal.key`` in
    the working directory for PostgreSQL.  ``CERCLE_JOURNAL_KEY`` in the environment wins."""
    data_dir: str | None = None
    """Where relative paths (database file, journal key, Matrix store) are read from; relative
    itself to the configuration file's folder.  ``None``: that folder."""

    def data_folder(self) -> Path:
        """Where the bot keeps its files: ``data_dir``, else the SQLite file's folder, else
        the working folder."""
        if self.data_dir:
            return Path(self.data_dir)
        prefix = "sqlite+aiosqlite:///"
        database = self.database_url.removeprefix(prefix)
        if self.database_url.startswith(prefix) and database and ":memory:" not in database:
            return Path(database).parent
        return Path()

    def journal_key_path(self) -> Path:
        if self.journal_key_file is not None:
            return Path(self.journal_key_file)
        prefix = "sqlite+aiosqlite:///"
        database = self.database_url.removeprefix(prefix)
        if self.database_url.startswith(prefix) and database and ":memory:" not in database:
            path = Path(database)
            return path.with_name(path.name + ".journal-key")
        return Path(self.data_dir or ".") / "cercle-journal.key"


@dataclass(frozen=True, slots=True)
class MatrixConfig:
    """The ``[matrix]`` section.  The password or access token come from the environment."""

    enabled: bool = False
    homeserver: str = ""
    """Base URL of the homeserver, e.g. ``https://matrix.example.org``."""
    user_id: str = ""
    """The bot's own account, e.g. ``@cercle:example.org``."""
    store_path: str = "matrix-store"
    """Keeps the device and its encryption keys across restarts."""
    command_prefix: str = "!"
    moderator_power_level: int = 50
    allowed_inviters: tuple[str, ...] = ()
    """Whose invitations are accepted: user ids (``@ann:example.org``) or servers
    (``:example.org``); empty means everyone's."""
    device_name: str = "Cercle"
    messages_per_second: float | None = None
    """The homeserver's message rate limit for the bot, when known (Synapse's default: 0.2);
    left out, it is learned from the homeserver's refusals."""
    burst: int = 10
    """How many messages the homeserver takes at once before the rate applies."""


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    """The ``[discord]`` section.  The token comes from ``CERCLE_DISCORD_TOKEN``."""

    enabled: bool = False
    moderator_role: str = "Animateur"
    """Members with this role (or Manage Channels in the channel) are moderators."""
    dev_guild_id: int | None = None
    """Commands are synced to this guild at once (global sync can take an hour)."""
    voice_mode: bool = False
    """Only the stick holder may speak in the group's linked voice or stage channel."""
    new_dms_per_second: float = 0.5
    """At most this many new direct-message channels a second (Discord quarantines a bot that
    opens many in a burst); private reminders get theirs opened ahead, to arrive on time."""
    member_events: bool = False
    """Ask Discord when a member leaves the server (the privileged Server Members intent, to
    turn on in the Developer Portal first): someone in line who leaves is taken out of it."""


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """The ``[http]`` section: ``/healthz`` and ``/metrics`` for the operator's supervision."""

    enabled: bool = False
    listen: str = "127.0.0.1:9464"
    """``HOST:PORT``; keep it on the loopback or behind the operator's reverse proxy."""
    public_url: str | None = None
    """The address members' calendar apps reach this server at (through the reverse proxy),
    e.g. ``https://cercle.example.org``: with it, ``session calendar link`` gives each member
    a private ``/calendar/<token>.ics``; without it, no links are offered."""

    @property
    def host(self) -> str:
        return self.listen.rsplit(":", 1)[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rsplit(":", 1)[1])


MAX_RESOURCE_LINES = 10
_TERRITORIES = frozenset(Locale("en").territories)
MAX_RESOURCE_LENGTH = 300


@dataclass(frozen=True, slots=True)
class Config:
    bot: BotConfig = field(default_factory=BotConfig)
    matrix: MatrixConfig = field(default_factory=MatrixConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    resources: Resources = field(default_factory=Resources)
    """The ``[resources]`` section: crisis lines per country, added to the shipped ones."""
    http: HttpConfig = field(default_factory=HttpConfig)
    source: str | None = None
    """Where the configuration was read from (a path), for messages."""

    def defaults(self) -> GroupDefaults:
        """What a group gets when it is first used."""
        return GroupDefaults(
            language=self.bot.language,
            timezone=self.bot.timezone,
            session_minutes=self.bot.session_minutes,
            break_minutes=self.bot.break_minutes,
            reminder_leads=self.bot.reminder_leads,
        )

    def with_database(self, database_url: str) -> Config:
        """The same configuration on another database (``cercle console --db PATH``)."""
        url = _database_url("bot.database_url", database_url)
        return replace(self, bot=replace(self.bot, database_url=url))

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        *,
        environ: Mapping[str, str] | None = None,
        source: str | None = None,
    ) -> Config:
        """Validate parsed TOML.  ``environ`` defaults to the process environment."""
        env = os.environ if environ is None else environ
        _only_known(
            data, {"bot", "matrix", "discord", "resources", "http"}, prefix="", what="section"
        )
        bot = _bot_section(_table(data, "bot"))
        from_env = env.get(DATABASE_URL_ENV)
        if from_env:
            bot = replace(bot, database_url=_database_url(DATABASE_URL_ENV, from_env))
        return cls(
            bot=bot,
            matrix=_matrix_section(_table(data, "matrix")),
            discord=_discord_section(_table(data, "discord")),
            resources=_resources_section(_table(data, "resources")),
            http=_http_section(_table(data, "http")),
            source=source,
        )

    @classmethod
    def from_toml(
        cls, text: str, *, environ: Mapping[str, str] | None = None, source: str | None = None
    ) -> Config:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"not valid TOML: {error}", source=source) from None
        try:
            return cls.from_mapping(data, environ=environ, source=source)
        except ConfigError as error:
            raise ConfigError(error.message, error.key, source) from None


def load_config(
    path: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> Config:
    """Read and check the configuration file; without a path, the defaults (plus environment)."""
    if path is None:
        return Config.from_mapping({}, environ=environ)
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the configuration file {file}: {error}") from None
    from adapters.paths import anchored

    config = Config.from_toml(text, environ=environ, source=str(file))
    return anchored(config, file.expanduser().resolve().parent)


# --- the [bot] section ---------------------------------------------------------------------------

_BOT_KEYS = {
    "language",
    "timezone",
    "database_url",
    "session_minutes",
    "break_minutes",
    "reminder_leads",
    "log_level",
    "journal_key_file",
    "data_dir",
    "log_format",
    "library_log_level",
}


def _bot_section(section: Mapping[str, Any]) -> BotConfig:
    _only_known(section, _BOT_KEYS, prefix="bot.", what="key")
    defaults = BotConfig()

    def get(key: str, parse: Callable[[str, Any], T], default: T) -> T:
        if key not in section:
            return default
        return parse(f"bot.{key}", section[key])

    return BotConfig(
        language=get("language", _language, defaults.language),
        timezone=get("timezone", _timezone, defaults.timezone),
        database_url=get("database_url", _database_url, defaults.database_url),
        session_minutes=get("session_minutes", _range(*SESSION_MINUTES), defaults.session_minutes),
        break_minutes=get("break_minutes", _range(*BREAK_MINUTES), defaults.break_minutes),
        reminder_leads=get("reminder_leads", _reminder_leads, defaults.reminder_leads),
        log_level=get("log_level", _log_level, defaults.log_level),
        journal_key_file=get("journal_key_file", _non_empty, defaults.journal_key_file),
        data_dir=get("data_dir", _non_empty, defaults.data_dir),
        log_format=get("log_format", _log_format, defaults.log_format),
        library_log_level=get("library_log_level", _library_log_level, defaults.library_log_level),
    )


def _resources_section(section: Mapping[str, Any]) -> Resources:
    """``[resources.CA]`` tables (an ISO 3166 code: ``emergency`` and lines per language), and
    the old per-language lists (``fr = [...]``), kept as the lines for countries Cercle knows
    no line for."""
    countries: dict[str, CountryLines] = {}
    by_language: dict[str, tuple[str, ...]] = {}
    for name, value in section.items():
        key = f"resources.{name}"
        if name in LANGUAGES:
            by_language[name] = _resource_lines(key, value)
        elif len(name) == 2 and name.isupper() and name in _TERRITORIES:
            countries[name] = _country_lines(key, value)
        else:
            raise ConfigError(
                "expected a country code such as CA or BE (a table with emergency and lines "
                f"per language: {', '.join(LANGUAGES)}), or a language",
                key,
            )
    return Resources(countries, by_language)


def _country_lines(key: str, table: Any) -> CountryLines:
    if not isinstance(table, Mapping):
        raise ConfigError(
            f'expected a table such as [{key}] with emergency = "911" and fr = [...], '
            f"got {_kind(table)}",
            key,
        )
    _only_known(table, {"emergency", *LANGUAGES}, prefix=f"{key}.", what="key")
    emergency = None
    if "emergency" in table:
        emergency = _non_empty(f"{key}.emergency", table["emergency"])
        if len(emergency) > 30:
            raise ConfigError("expected a short phone number", f"{key}.emergency")
    lines = {
        language: _resource_lines(f"{key}.{language}", table[language])
        for language in LANGUAGES
        if language in table
    }
    return CountryLines(emergency, lines)


def _resource_lines(key: str, lines: Any) -> tuple[str, ...]:
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_RESOURCE_LINES:
        raise ConfigError(
            f"expected a list of 1 to {MAX_RESOURCE_LINES} lines of text, got {_kind(lines)}",
            key,
        )
    parsed = tuple(_non_empty(key, line).strip() for line in lines)
    if any(len(line) > MAX_RESOURCE_LENGTH for line in parsed):
        raise ConfigError(f"each line should have at most {MAX_RESOURCE_LENGTH} characters", key)
    return parsed


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, Mapping):
        raise ConfigError(f"expected a [{name}] section (a table), got {_kind(section)}", name)
    return section


# --- the [matrix] and [discord] sections ---------------------------------------------------------

_MATRIX_KEYS = {f.name for f in fields(MatrixConfig)}
_DISCORD_KEYS = {f.name for f in fields(DiscordConfig)}


def _matrix_section(section: Mapping[str, Any]) -> MatrixConfig:
    _only_known(section, _MATRIX_KEYS, prefix="matrix.", what="key")
    default = MatrixConfig()

    def get(key: str, parse: Callable[[str, Any], T], fallback: T) -> T:
        return parse(f"matrix.{key}", section[key]) if key in section else fallback

    config = MatrixConfig(
        enabled=get("enabled", _boolean, default.enabled),
        homeserver=get("homeserver", _http_url, default.homeserver),
        user_id=get("user_id", _matrix_user, default.user_id),
        store_path=get("store_path", _non_empty, default.store_path),
        command_prefix=get("command_prefix", _prefix, default.command_prefix),
        moderator_power_level=get(
            "moderator_power_level", _power_level, default.moderator_power_level
        ),
        allowed_inviters=get("allowed_inviters", _inviters, default.allowed_inviters),
        device_name=get("device_name", _non_empty, default.device_name),
        messages_per_second=get(
            "messages_per_second", _messages_per_second, default.messages_per_second
        ),
        burst=get("burst", _burst, default.burst),
    )
    if config.enabled:
        for key in ("homeserver", "user_id"):
            if not getattr(config, key):
                raise ConfigError("required when matrix.enabled is true", f"matrix.{key}")
    return config


def _discord_section(section: Mapping[str, Any]) -> DiscordConfig:
    _only_known(section, _DISCORD_KEYS, prefix="discord.", what="key")
    default = DiscordConfig()

    def get(key: str, parse: Callable[[str, Any], T], fallback: T) -> T:
        return parse(f"discord.{key}", section[key]) if key in section else fallback

    return DiscordConfig(
        enabled=get("enabled", _boolean, default.enabled),
        moderator_role=get("moderator_role", _non_empty, default.moderator_role),
        dev_guild_id=get("dev_guild_id", _snowflake, default.dev_guild_id),
        voice_mode=get("voice_mode", _boolean, default.voice_mode),
        new_dms_per_second=get("new_dms_per_second", _dm_rate, default.new_dms_per_second),
        member_events=get("member_events", _boolean, default.member_events),
    )


MAX_DMS_PER_SECOND = 5.0
"""Well under Discord's 50 requests a second: new direct messages are the suspicious kind."""


def _dm_rate(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"expected a number such as 0.5, got {_kind(value)}", key)
    if not 0 < value <= MAX_DMS_PER_SECOND:
        raise ConfigError(
            f"expected more than 0 and at most {MAX_DMS_PER_SECOND:g} (0.5: one every 2 s)", key
        )
    return float(value)


_HTTP_KEYS = {f.name for f in fields(HttpConfig)}


def _http_section(section: Mapping[str, Any]) -> HttpConfig:
    _only_known(section, _HTTP_KEYS, prefix="http.", what="key")
    default = HttpConfig()
    enabled = (
        _boolean("http.enabled", section["enabled"]) if "enabled" in section else default.enabled
    )
    listen = _listen("http.listen", section["listen"]) if "listen" in section else default.listen
    public_url = (
        _http_url("http.public_url", section["public_url"]) if "public_url" in section else None
    )
    return HttpConfig(enabled=enabled, listen=listen, public_url=public_url)


def _listen(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isascii() or not port.isdigit():
        raise ConfigError(f"expected HOST:PORT such as '127.0.0.1:9464', got {text[:60]!r}", key)
    if not 1 <= int(port) <= 65535:
        raise ConfigError(f"expected a port between 1 and 65535, got {port}", key)
    return text


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, got {_kind(value)}", key)
    return value


def _non_empty(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if not text:
        raise ConfigError("expected a non-empty string", key)
    return text


def _http_url(key: str, value: Any) -> str:
    text = _string(key, value).strip().rstrip("/")
    if not text.startswith(("https://", "http://")) or "://" not in text[:8] or len(text) < 10:
        raise ConfigError(
            f"expected a URL such as 'https://matrix.example.org', got {value!r}", key
        )
    return text


def _matrix_user(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if not text.startswith("@") or ":" not in text:
        raise ConfigError(
            f"expected a Matrix user id such as '@cercle:example.org', got {value!r}", key
        )
    return text


def _prefix(key: str, value: Any) -> str:
    text = _string(key, value)
    if not text or len(text) > 3 or any(c.isspace() or c.isalnum() for c in text):
        raise ConfigError(
            f"expected one to three punctuation characters such as '!', got {value!r}", key
        )
    return text


def _power_level(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigError(f"expected a power level from 0 to 100, got {value!r}", key)
    return value


def _inviters(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(
            f"expected a list such as ['@ann:example.org', ':example.org'], got {_kind(value)}", key
        )
    found: list[str] = []
    for index, item in enumerate(value):
        text = _string(f"{key}[{index}]", item).strip()
        if not (text.startswith(":") or (text.startswith("@") and ":" in text)) or len(text) < 2:
            raise ConfigError(
                "expected a user id ('@ann:example.org') or a server (':example.org'), "
                f"got {item!r}",
                f"{key}[{index}]",
            )
        found.append(text)
    return tuple(found)


def _snowflake(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"expected a Discord id (a positive whole number), got {value!r}", key)
    return value


def _only_known(data: Mapping[str, Any], known: set[str], *, prefix: str, what: str) -> None:
    for key in data:
        if key not in known:
            expected = ", ".join(sorted(known))
            if what == "section":
                expected = ", ".join(f"[{k}]" for k in sorted(known))
            raise ConfigError(f"unknown {what} (expected one of: {expected})", f"{prefix}{key}")


def _kind(value: object) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return next((name for t, name in names.items() if isinstance(value, t)), type(value).__name__)


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {_kind(value)}", key)
    return value


def _language(key: str, value: Any) -> str:
    text = _string(key, value).strip().lower()
    if text not in LANGUAGES:
        raise ConfigError(f"expected one of {', '.join(map(repr, LANGUAGES))}, got {value!r}", key)
    return text


def _timezone(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if not is_zone(text):
        close = close_zones(text)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise ConfigError(
            f"expected an IANA time zone such as 'Europe/Paris', got {text[:70]!r}{hint}",
            key,
        )
    return text


def _library_log_level(key: str, value: Any) -> str:
    text = _string(key, value).strip().upper()
    if text not in ("WARNING", "INFO"):
        raise ConfigError(
            f"expected 'WARNING' or 'INFO' (libraries' DEBUG output can hold members' words), "
            f"got {text[:20]!r}",
            key,
        )
    return text


def _log_format(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if text not in ("text", "json"):
        raise ConfigError(f"expected 'text' or 'json', got {text[:20]!r}", key)
    return text


def _database_url(key: str, value: Any) -> str:
    text = _string(key, value).strip()
    if not text.startswith(DATABASE_SCHEMES) or text in DATABASE_SCHEMES:
        raise ConfigError(
            "expected 'sqlite+aiosqlite:///PATH' or 'postgresql+asyncpg://USER@HOST/DATABASE'",
            key,
        )
    return text


def _integer(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"expected a whole number of minutes, got {_kind(value)}", key)
    return value


def _messages_per_second(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1000:
        raise ConfigError(
            f"expected a number of messages per second such as 0.2, got {value!r}", key
        )
    return float(value)


def _burst(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ConfigError(f"expected a whole number from 1 to 1000, got {value!r}", key)
    return value


def _range(low: int, high: int) -> Callable[[str, Any], int]:
    def parse(key: str, value: Any) -> int:
        number = _integer(key, value)
        if not low <= number <= high:
            raise ConfigError(f"expected minutes between {low} and {high}, got {number}", key)
        return number

    return parse


def _reminder_leads(key: str, value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise ConfigError(
            f"expected a list of minutes before a session, such as [1440, 15], got {_kind(value)}",
            key,
        )
    if len(value) > MAX_REMINDER_LEADS:
        raise ConfigError(f"expected at most {MAX_REMINDER_LEADS} reminders, got {len(value)}", key)
    low, high = REMINDER_LEAD_MINUTES
    leads: set[int] = set()
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        number = _integer(where, item)
        if not low <= number <= high:
            raise ConfigError(
                f"expected minutes between {low} and {high} (one week), got {number}", where
            )
        leads.add(number)
    return tuple(sorted(leads, reverse=True))


def _log_level(key: str, value: Any) -> str:
    text = _string(key, value).strip().upper()
    if text not in LOG_LEVELS:
        raise ConfigError(f"expected one of {', '.join(LOG_LEVELS)}, got {value!r}", key)
    return text
