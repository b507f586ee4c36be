"""Message catalogs (French and English) and the one place replies become text."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.lists import format_list

from bot.i18n import en, fr
from bot.replies import Duration, Key, Outgoing, Param, Place, TimeOfDay, UserRef, UserText

CATALOGS: Mapping[str, Mapping[str, str]] = {"fr": fr.MESSAGES, "en": en.MESSAGES}
FALLBACK = "en"

_PINGS = re.compile(r"@(everyone|here|room|channel)\b", re.IGNORECASE)
_RAW_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


PLACE_FORMATS: dict[str, Callable[[str], str]] = {}
"""How each platform writes a link to a room (adapters register theirs); the id otherwise."""


def defuse(text: str) -> str:
    """Make user-typed text unable to ping: ``@everyone``/``@here``/``@room`` and raw Discord
    mentions get an invisible word joiner, so they read the same but notify nobody."""
    text = _PINGS.sub(lambda m: "@\u2060" + m.group(1), text)
    return _RAW_MENTION.sub(lambda m: "<\u2060" + m.group(1) + m.group(2) + ">", text)


def translate(key: str, language: str, **params: Param) -> str:
    catalog = CATALOGS.get(language, CATALOGS[FALLBACK])
    template = catalog.get(key) or CATALOGS[FALLBACK].get(key)
    if template is None:
        raise KeyError(f"no message {key!r}")
    if not params:
        return template
    return template.format_map({k: format_param(v, language, None) for k, v in params.items()})


def format_param(value: Param, language: str, timezone: str | None) -> str:
    if isinstance(value, UserRef):
        return defuse(value.display_name)
    if isinstance(value, UserText):
        return defuse(value.text)
    if isinstance(value, Key):
        return translate(value.key, language)
    if isinstance(value, Place):
        show = PLACE_FORMATS.get(value.platform)
        return show(value.room_id) if show is not None else defuse(value.room_id)
    if isinstance(value, Duration):
        return format_duration(value.minutes, language)
    if isinstance(value, TimeOfDay):
        return format_time(value.at, language, timezone or "UTC")
    if isinstance(value, datetime):
        return format_when(value, language, timezone or "UTC")
    if isinstance(value, tuple):
        items = [format_param(v, language, timezone) for v in value]
        return format_list(items, locale=language) if items else translate("list.empty", language)
    return str(value)


def format_when(when: datetime, language: str, timezone: str) -> str:
    pattern = translate("format.datetime", language)
    return str(format_datetime(when, pattern, tzinfo=ZoneInfo(timezone), locale=language))


def format_time(when: datetime, language: str, timezone: str) -> str:
    return str(format_datetime(when, "HH:mm", tzinfo=ZoneInfo(timezone), locale=language))


def format_duration(minutes: float, language: str) -> str:
    total = round(minutes)
    hours, rest = divmod(total, 60)
    if hours == 0:
        return translate("format.minutes", language, n=rest)
    if rest == 0:
        return translate("format.hours", language, n=hours)
    return translate("format.hours_minutes", language, h=hours, m=f"{rest:02d}")


def render(outgoing: Outgoing) -> str:
    """The plain-text form of a reply, in its language and time zone."""
    return render_reply(
        outgoing.reply.key, outgoing.reply.params, outgoing.language, outgoing.timezone
    )


def render_reply(key: str, params: Mapping[str, Param], language: str, timezone: str) -> str:
    catalog = CATALOGS.get(language, CATALOGS[FALLBACK])
    template = catalog.get(key) or CATALOGS[FALLBACK][key]
    values = {k: format_param(v, language, timezone) for k, v in params.items()}
    return template.format_map(values)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
