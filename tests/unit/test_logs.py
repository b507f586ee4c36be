"""Log lines: key=value by default, JSON on request, extra fields kept, and the one redaction
filter that keeps what members write out of every log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.startup import configure_logging

WORDS = "I feel so alone tonight"


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root")
def test_key_value_lines_keep_extra_fields_and_quote_spaces() -> None:
    out = io.StringIO()
    configure_logging("INFO", out)
    logging.getLogger("cercle.test").info("matrix ready", extra={"rooms": 3, "room": "!a:b"})
    line = out.getvalue().strip()
    assert line.startswith("time=")
    assert ' level=INFO logger=cercle.test msg="matrix ready" rooms=3 room=!a:b' in line


@pytest.mark.usefixtures("restore_root")
def test_json_lines_on_request() -> None:
    out = io.StringIO()
    configure_logging("INFO", out, log_format="json")
    logging.getLogger("cercle.test").warning("job failed", extra={"job": "reminder", "count": 2})
    record = json.loads(out.getvalue())
    assert {k: record[k] for k in ("level", "logger", "msg", "job", "count")} == {
        "level": "WARNING",
        "logger": "cercle.test",
        "msg": "job failed",
        "job": "reminder",
        "count": 2,
    }


@pytest.mark.usefixtures("restore_root")
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_member_text_reaches_a_log(log_format: str) -> None:
    out = io.StringIO()
    configure_logging("DEBUG", out, log_format=log_format)
    logging.getLogger("cercle.test").info("note saved", extra={"text": WORDS, "title": [WORDS]})
    logging.getLogger("nio.rooms").warning("event body %s from %r", WORDS, WORDS)
    logging.getLogger("discord.gateway").warning("member %(name)s", {"name": WORDS})
    written = out.getvalue()
    assert WORDS not in written
    assert written.count("<redacted>") == 5
    assert "note saved" in written


@pytest.mark.usefixtures("restore_root")
def test_library_chatter_stays_at_warning_even_when_the_bot_debugs() -> None:
    out = io.StringIO()
    configure_logging("DEBUG", out)
    for name in ("apscheduler.scheduler", "nio.client", "discord.client", "aiohttp.access"):
        logging.getLogger(name).info("chatter")
    logging.getLogger("cercle.test").debug("ours")
    assert "chatter" not in out.getvalue()
    assert "ours" in out.getvalue()


def test_library_chatter_on_request_stops_at_info() -> None:
    out = io.StringIO()
    configure_logging("DEBUG", out, library_level="INFO")
    for name in ("apscheduler.scheduler", "nio.client", "discord.client", "aiohttp.access"):
        logging.getLogger(name).info("connection news")
        logging.getLogger(name).debug("an event body")
    logging.getLogger("sqlalchemy.engine").info("SELECT … with parameters")
    assert out.getvalue().count("connection news") == 4
    assert "an event body" not in out.getvalue()
    assert "SELECT" not in out.getvalue(), "database libraries stay quiet whatever is asked"


def test_library_log_level_refuses_debug() -> None:
    from adapters.config import Config, ConfigError

    with pytest.raises(ConfigError, match="members' words") as refused:
        Config.from_toml('[bot]\nlibrary_log_level = "DEBUG"\n', environ={})
    assert refused.value.key == "bot.library_log_level"
