"""Message catalogs (French and English) and the one place replies become text."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, get_date_format, get_time_format
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


def base_language(locale: str) -> str:
    """The catalog's language of a locale: ``en_US`` → ``en``."""
    return locale.replace("-", "_").split("_", 1)[0]


def _template(key: str, language: str) -> str:
    catalog = CATALOGS.get(base_language(language), CATALOGS[FALLBACK])
    template = catalog.get(key) or CATALOGS[FALLBACK].get(key)
    if template is None:
        raise KeyError(f"no message {key!r}")
    return template


_PLURAL = re.compile(r"\{(\w+)\|([^{}|]*)\|([^{}]*)\}")
"""``{count|one form|other form}`` in a template: the form Babel's plural rules choose for the
number ``count`` in the reply's language (French: 0 and 1 are singular)."""


def choose_plurals(template: str, params: Mapping[str, Param], language: str) -> str:
    def pick(match: re.Match[str]) -> str:
        value = params.get(match[1])
        count = len(value) if isinstance(value, tuple) else value
        if not isinstance(count, int):
            raise KeyError(f"plural of {match[1]!r} needs a number")
        form = Locale.parse(base_language(language)).plural_form(abs(count))
        return match[2] if form == "one" else match[3]

    return _PLURAL.sub(pick, template)


def translate(key: str, language: str, **params: Param) -> str:
    template = _template(key, language)
    if not params:
        return template
    template = choose_plurals(template, params, language)
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
        locale = base_language(language)
        return format_list(items, locale=locale) if items else translate("list.empty", language)
    return str(value)


def format_when(when: datetime, language: str, timezone: str) -> str:
    """« mardi 1er décembre 2026 à 19 h 30 », "Tuesday 1 December 2026 at 19:30", or in the
    style of the locale's region when one is set ("Tuesday, December 1, 2026 at 7:30 PM")."""
    zone = ZoneInfo(timezone)
    local = when.astimezone(zone)
    language = language.replace("-", "_")
    lang = base_language(language)
    if lang == "fr":
        day = "'1er'" if local.day == 1 else "d"
        pattern = f"EEEE {day} MMMM y"
    elif language != lang:
        pattern = get_date_format("full", locale=language).pattern
    else:
        pattern = translate("format.date", lang)
    date = format_datetime(local, pattern, tzinfo=zone, locale=language)
    time = format_time(when, language, timezone)
    return translate("format.datetime", lang, date=str(date), time=time)


def format_time(when: datetime, language: str, timezone: str) -> str:
    """``19 h 30`` in French, ``19:30`` in English, ``7:30 PM`` where the region's clock has
    12 hours (``en_US``; plain ``en`` keeps 24 hours)."""
    language = language.replace("-", "_")
    lang = base_language(language)
    if lang == "fr":
        on_the_hour = when.astimezone(ZoneInfo(timezone)).minute == 0
        pattern = "H 'h'" if on_the_hour else "H 'h' mm"
    elif language != lang and "h" in get_time_format("short", locale=language).pattern:
        pattern = "h:mm a"
    else:
        pattern = "HH:mm"
    return str(format_datetime(when, pattern, tzinfo=ZoneInfo(timezone), locale=language))


def format_duration(minutes: float, language: str) -> str:
    total = round(minutes)
    hours, rest = divmod(total, 60)
    if hours == 0:
        return translate("format.minutes", language, n=rest)
    if rest == 0:
        return translate("format.hours", language, n=hours)
    # French writes the minutes after "h" on two digits (1 h 05); English "1 hr 5 min".
    shown = f"{rest:02d}" if base_language(language) == "fr" else str(rest)
    return translate("format.hours_minutes", language, h=hours, m=shown)


def render(outgoing: Outgoing) -> str:
    """The plain-text form of a reply, in its language and time zone."""
    return render_reply(
        outgoing.reply.key, outgoing.reply.params, outgoing.language, outgoing.timezone
    )


def render_reply(key: str, params: Mapping[str, Param], language: str, timezone: str) -> str:
    template = choose_plurals(_template(key, language), params, language)
    values = {k: format_param(v, language, timezone) for k, v in params.items()}
    return template.format_map(values)


def placeholders(template: str) -> set[str]:
    """The parameters a template uses (a plural choice ``{n|one|other}`` uses ``n``)."""
    plain = _PLURAL.sub(lambda match: "{" + match[1] + "}", template)
    return {name for _, name, _, _ in string.Formatter().parse(plain) if name}
