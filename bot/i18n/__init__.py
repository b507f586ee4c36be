"""Message catalogs (French and English) and the one place replies become text."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_datetime,
    get_date_format,
    get_time_format,
)
from babel.lists import format_list

from bot.i18n import en, fr
from bot.i18n.cleaning import clean_lines, clean_name, defuse, one_line, visible
from bot.replies import (
    Duration,
    InZone,
    Key,
    Lines,
    Outgoing,
    Param,
    Place,
    TimeOfDay,
    UserRef,
    UserText,
    ZoneCity,
)

__all__ = [
    "CATALOGS",
    "FALLBACK",
    "LIST_BUDGET",
    "PLACE_FORMATS",
    "PLAIN",
    "Markup",
    "base_language",
    "choose_plurals",
    "defuse",
    "fit_text",
    "format_duration",
    "format_param",
    "format_time",
    "format_when",
    "how_many_fit",
    "placeholders",
    "render",
    "render_reply",
    "translate",
]

CATALOGS: Mapping[str, Mapping[str, str]] = {"fr": fr.MESSAGES, "en": en.MESSAGES}
FALLBACK = "en"


PLACE_FORMATS: dict[str, Callable[[str], str]] = {}
"""How each platform writes a link to a room (adapters register theirs); the id otherwise."""


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Markup:
    """What a platform's text format needs from the renderer.

    ``literal`` makes text shown literally there (Discord: markdown escaped); it is applied to
    every text parameter, never to the catalog's own words.  ``instant`` and ``time_of_day``,
    when given, show times the platform's way (Discord timestamps) instead of as words."""

    literal: Callable[[str], str] = _same
    instant: Callable[[datetime], str] | None = None
    time_of_day: Callable[[datetime], str] | None = None


PLAIN = Markup()
"""Plain text (the console, Matrix before its HTML escaping)."""


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
            return match[3]  # not a number: the general form rather than no message at all
        form = Locale.parse(base_language(language)).plural_form(abs(count))
        return match[2] if form == "one" else match[3]

    return _PLURAL.sub(pick, template)


def translate(key: str, language: str, **params: Param) -> str:
    if not params:
        return _template(key, language)
    return render_reply(key, params, language, None)


def format_param(value: Param, language: str, timezone: str | None, markup: Markup = PLAIN) -> str:
    """One parameter as text.  Whatever a person typed (names, texts, and any plain string, which
    may quote a command) is cleaned, defused and made literal: it can forge no line (except the
    lines of a multi-line text), no link and no mention."""
    if isinstance(value, UserRef):
        return markup.literal(defuse(clean_name(value.display_name, value.user_id)))
    if isinstance(value, UserText):
        text = clean_lines(value.text) if value.multiline else one_line(value.text)
        return markup.literal(defuse(text))
    if isinstance(value, Key):
        return render_reply(value.key, value.params, language, timezone, markup)
    if isinstance(value, Lines):
        lines = [format_param(item, language, timezone, markup) for item in value.items]
        return ("\n\n" if value.gap else "\n").join(lines)
    if isinstance(value, Place):
        show = PLACE_FORMATS.get(value.platform)
        if show is not None:
            return show(value.room_id)
        return markup.literal(defuse(one_line(value.room_id)))
    if isinstance(value, Duration):
        return format_duration(value.minutes, language)
    if isinstance(value, InZone):
        if value.time_only:
            return format_time(value.at, language, value.zone)
        return format_when(value.at, language, value.zone)
    if isinstance(value, ZoneCity):
        return markup.literal(zone_city(value.zone, language))
    if isinstance(value, TimeOfDay):
        if markup.time_of_day is not None:
            return markup.time_of_day(value.at)
        return format_time(value.at, language, timezone or "UTC")
    if isinstance(value, datetime):
        if markup.instant is not None:
            return markup.instant(value)
        return format_when(value, language, timezone or "UTC")
    if isinstance(value, tuple):
        items = [format_param(v, language, timezone, markup) for v in value]
        locale = base_language(language)
        return format_list(items, locale=locale) if items else translate("list.empty", language)
    if isinstance(value, int):
        return str(value)
    return markup.literal(defuse(visible(value)))  # the core's own lines and spacing kept


def zone_city(zone: str, language: str) -> str:
    """The city that names ``zone``, as the language writes it (« Montréal » in French when
    CLDR knows the zone; otherwise from the zone's own name, not from the zone it links to:
    ``America/Montreal`` is not « Toronto »)."""
    city = Locale.parse(base_language(language)).time_zones.get(zone, {}).get("city")
    return str(city) if city else zone.rsplit("/", 1)[-1].replace("_", " ")


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


def render(outgoing: Outgoing, markup: Markup = PLAIN) -> str:
    """A reply as text, in its language and time zone, in a platform's ``markup``."""
    return render_reply(
        outgoing.reply.key, outgoing.reply.params, outgoing.language, outgoing.timezone, markup
    )


def render_reply(
    key: str,
    params: Mapping[str, Param],
    language: str,
    timezone: str | None,
    markup: Markup = PLAIN,
) -> str:
    values = {k: format_param(v, language, timezone, markup) for k, v in params.items()}
    return choose_plurals(_template(key, language), params, language).format_map(values)


def placeholders(template: str) -> set[str]:
    """The parameters a template uses (a plural choice ``{n|one|other}`` uses ``n``)."""
    plain = _PLURAL.sub(lambda match: "{" + match[1] + "}", template)
    return {name for _, name, _, _ in string.Formatter().parse(plain) if name}


def fit_text(text: str, fits: Callable[[str], bool], language: str) -> str:
    """``text`` as it is when ``fits(text)``, else its longest beginning that fits followed by a
    line that says it was shortened (cut at a line break where one is close): a platform's
    length limit never cuts a reply silently."""
    if fits(text):
        return text
    marker = "\n" + translate("render.shortened", language)
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the marker
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + marker):
            low = middle
        else:
            high = middle - 1
    head = text[:low]
    line_end = head.rfind("\n")
    if line_end > low // 2:
        head = head[:line_end]
    return head.rstrip() + marker


LIST_BUDGET = 1400
"""Characters a list reply may spend on its items (in plain text): with the message's own words
and each platform's markup, it stays within Discord's 2,000, the smallest limit of all."""


def how_many_fit(
    items: Sequence[Param], language: str, timezone: str, budget: int = LIST_BUDGET
) -> int:
    """How many of ``items``, from the first, fit in ``budget`` characters, one per line (at
    least one, so a list is never empty when there is something to show)."""
    spent = 0
    for count, item in enumerate(items):
        spent += len(format_param(item, language, timezone)) + 1
        if spent > budget:
            return max(count, 1)
    return len(items)
