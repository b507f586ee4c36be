"""``group set <key> <value>`` and ``group show``: a group's settings, each validated on its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Annotated

from babel import Locale, localedata

from bot import planning
from bot.commands.args import parse_minutes
from bot.commands.arguments import NoArgs, OneOf, Text
from bot.commands.context import Context
from bot.commands.parser import fold
from bot.domain.group import LANGUAGES, AccompanyingPolicy, Group, Need
from bot.domain.stick import SpeakingOrder
from bot.errors import UsageError
from bot.handlers import attendance
from bot.i18n import translate
from bot.replies import Duration, Key, Param, Reply, UserText, room
from bot.resources import country_of_zone
from bot.timezones import close_zones, is_zone

SettingValue = str | int | bool | tuple[int, ...] | None

_YES = frozenset({"on", "yes", "oui", "true", "vrai", "1", "active", "actif"})
_NO = frozenset({"off", "no", "non", "false", "faux", "0", "desactive", "inactif"})


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    french: str
    parse: Callable[[str], SettingValue]
    apply: Callable[[Group, SettingValue], Group]
    show: Callable[[Group, str], Param]
    """The current value, for a reader of the given language."""
    shown: bool = True
    """Listed by ``group show`` (an older switch that another setting now shows is not)."""


def _bad(key: str, value: str, **params: Param) -> UsageError:
    return UsageError(f"error.setting.{key}", {"value": UserText(value[:50]), **params})


def _choice(key: str, table: dict[str, str]) -> Callable[[str], SettingValue]:
    def parse(value: str) -> SettingValue:
        found = table.get(fold(value.strip()))
        if found is None:
            raise _bad(key, value)
        return found

    return parse


def _switch(key: str) -> Callable[[str], SettingValue]:
    def parse(value: str) -> SettingValue:
        word = fold(value.strip())
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise _bad(key, value)

    return parse


def _minutes(key: str, low: int, high: int) -> Callable[[str], SettingValue]:
    def parse(value: str) -> SettingValue:
        minutes = parse_minutes(value)
        if minutes is None or not low <= minutes <= high:
            raise _bad(key, value, min=Duration(low), max=Duration(high))
        return minutes

    return parse


def _name(value: str) -> SettingValue:
    name = " ".join(value.split())
    if not 1 <= len(name) <= 100:
        raise _bad("name", value)
    return name


def _timezone(value: str) -> SettingValue:
    wanted = value.strip()
    if is_zone(wanted):
        return wanted
    close = close_zones(wanted)
    if not close:
        raise UsageError("error.setting.timezone_unknown", {"value": UserText(value[:50])})
    raise _bad("timezone", value, suggestions=close)


def _charter(value: str) -> SettingValue:
    text = value.strip()
    if fold(text) in {"default", "defaut", "par-defaut"}:
        return None
    if len(text) < 10:
        raise _bad("charter", value)
    return text


_LEAD = re.compile(r"[,;\s]+")


MAX_CAPACITY = 500
_UNLIMITED = (_NO - {"0"}) | {"none", "aucune", "illimite", "illimitee", "unlimited", "sans-limite"}


def _capacity(value: str) -> SettingValue:
    """``12``, or ``off`` (``non``, ``illimité``…) for no limit."""
    word = fold(value.strip())
    if word in _UNLIMITED:
        return None
    if not word.isdigit() or not 1 <= int(word) <= MAX_CAPACITY:
        raise _bad("capacity", value, max=MAX_CAPACITY)
    return int(word)


def _show_capacity(group: Group, reader: str) -> Param:
    return group.capacity if group.capacity is not None else Key("value.unlimited")


def _reminders(value: str) -> SettingValue:
    if fold(value.strip()) in _NO | {"none", "aucun", "aucuns"}:
        return ()
    leads: list[int] = []
    for part in filter(None, _LEAD.split(value.strip())):
        minutes = _lead_minutes(part)
        if minutes is None or not 1 <= minutes <= 7 * 24 * 60:
            raise _bad("reminders", value)
        leads.append(minutes)
    if not 1 <= len(leads) <= 5:
        raise _bad("reminders", value)
    return tuple(sorted(set(leads), reverse=True))


def _lead_minutes(part: str) -> int | None:
    days = re.fullmatch(r"(\d{1,2})\s*[dj]", part, re.IGNORECASE | re.ASCII)
    if days:
        return int(days[1]) * 24 * 60
    return parse_minutes(part)


_LANGUAGE_WORDS = {
    "fr": "fr",
    "en": "en",
    "francais": "fr",
    "french": "fr",
    "anglais": "en",
    "english": "en",
}
_LOCALE = re.compile(r"^(?P<language>[a-z]{2})(?:[-_](?P<region>[a-z]{2}))?$")


def _language(value: str) -> SettingValue:
    """``fr``, ``anglais``, or a language with its region: ``en-US`` (12-hour clock), ``en-GB``,
    ``fr-CA``; the value kept is ``en`` or ``en_US``."""
    word = fold(value.strip())
    if word in _LANGUAGE_WORDS:
        return _LANGUAGE_WORDS[word]
    match = _LOCALE.match(word)
    if match is None or match["language"] not in LANGUAGES:
        raise _bad("language", value)
    region = (match["region"] or "").upper()
    if region and not localedata.exists(f"{match['language']}_{region}"):
        raise _bad("language", value)  # Babel writes dates only for the locales it knows
    return f"{match['language']}_{region}" if region else match["language"]


def _set_language(group: Group, value: SettingValue) -> Group:
    language, _, region = _as_str(value).partition("_")
    return replace(group, language=language, region=region or None)


def _show_language(group: Group, reader: str) -> Param:
    if group.region is None:
        return Key(f"language.{group.language}")
    return str(Locale.parse(group.locale).get_display_name(reader))


@cache
def _territories() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha())


@cache
def _country_names() -> dict[str, str]:
    """Country names in French and English (folded) → ISO code: ``belgique`` → ``BE``."""
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code in _territories():
                names.setdefault(fold(name), code)
    return names


def _country(value: str) -> SettingValue:
    word = value.strip()
    if fold(word) in {"auto", "automatique", "automatic", "default", "defaut", "par-defaut"}:
        return None
    code = word.upper() if len(word) == 2 else _country_names().get(fold(word))
    if code is None or code not in _territories():
        raise _bad("country", value)
    return code


def _show_country(group: Group, reader: str) -> Param:
    names = Locale.parse(reader).territories
    if group.country is not None:
        return f"{names.get(group.country, group.country)} ({group.country})"
    derived = country_of_zone(group.timezone)
    if derived is None:
        return Key("setting.country_unknown")
    return UserText(
        translate("setting.country_auto", reader, country=f"{names.get(derived, derived)}")
    )


def _as_str(value: SettingValue) -> str:
    assert isinstance(value, str)
    return value


def _as_int(value: SettingValue) -> int:
    assert isinstance(value, int)
    return value


def _as_leads(value: SettingValue) -> tuple[int, ...]:
    assert isinstance(value, tuple)
    return value


def _first_speakers_first(group: Group, value: SettingValue) -> Group:
    """The older switch, kept: on is the first-time order (the balanced order, which also puts
    those who have not spoken first, stays), off the order of arrival."""
    if not value:
        return replace(group, speaking_order=SpeakingOrder.ARRIVAL)
    if group.speaking_order is SpeakingOrder.BALANCED:
        return group
    return replace(group, speaking_order=SpeakingOrder.FIRST_TIME)


def _hand_check(value: str) -> SettingValue:
    """Minutes before a raised hand gets its gentle check, or off."""
    if fold(value.strip()) in _NO:
        return None
    return _minutes("hand-check", 5, 180)(value)


def _yes_no(flag: bool) -> Key:
    return Key("value.yes" if flag else "value.no")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "name",
        "nom",
        _name,
        lambda g, v: replace(g, name=_as_str(v)),
        lambda g, _: UserText(g.name),
    ),
    Setting(
        "need",
        "besoin",
        _choice(
            "need",
            {
                **{n.value: n.value for n in Need},
                "deuil": "grief",
                "maladie": "illness",
                "separation": "separation",
                "autre": "other",
            },
        ),
        lambda g, v: replace(g, need=Need(_as_str(v))),
        lambda g, _: Key(f"need.{g.need.value}"),
    ),
    Setting(
        "language",
        "langue",
        _language,
        _set_language,
        _show_language,
    ),
    Setting(
        "timezone",
        "fuseau",
        _timezone,
        lambda g, v: replace(g, timezone=_as_str(v)),
        lambda g, _: g.timezone,
    ),
    Setting(
        "charter",
        "charte",
        _charter,
        lambda g, v: replace(g, charter=v if isinstance(v, str) else None),
        lambda g, _: (
            UserText(g.charter, multiline=True) if g.charter else Key("charter.default_label")
        ),
    ),
    Setting(
        "accompanying",
        "accompagnants",
        _choice(
            "accompanying",
            {
                **{p.value: p.value for p in AccompanyingPolicy},
                "bienvenus": "welcome",
                "bienvenues": "welcome",
                "non-admises": "not-admitted",
                "sur-demande": "ask",
                "bienvenue": "welcome",
                "non-admis": "not-admitted",
                "refuses": "not-admitted",
                "demander": "ask",
            },
        ),
        lambda g, v: replace(g, accompanying=AccompanyingPolicy(_as_str(v))),
        lambda g, _: Key(f"accompanying.{g.accompanying.value}"),
    ),
    Setting(
        "reminders",
        "rappels",
        _reminders,
        lambda g, v: replace(g, reminder_leads=_as_leads(v)),
        lambda g, _: tuple(Duration(m) for m in g.reminder_leads),
    ),
    Setting(
        "duration",
        "durée",
        _minutes("duration", 15, 240),
        lambda g, v: replace(g, session_minutes=_as_int(v)),
        lambda g, _: Duration(g.session_minutes),
    ),
    Setting(
        "break",
        "pause",
        _minutes("break", 1, 60),
        lambda g, v: replace(g, break_minutes=_as_int(v)),
        lambda g, _: Duration(g.break_minutes),
    ),
    Setting(
        "capacity",
        "places",
        _capacity,
        lambda g, v: replace(g, capacity=v if isinstance(v, int) else None),
        _show_capacity,
    ),
    Setting(
        "order",
        "ordre",
        _choice(
            "order",
            {
                **{o.value: o.value for o in SpeakingOrder},
                "arrivee": "arrival",
                "nouveaux": "first-time",
                "nouvelles": "first-time",
                "equilibre": "balanced",
                "equilibree": "balanced",
            },
        ),
        lambda g, v: replace(g, speaking_order=SpeakingOrder(_as_str(v))),
        lambda g, _: Key(f"order.{g.speaking_order.value}"),
    ),
    Setting(
        "first-speakers-first",
        "nouveaux-d-abord",
        _switch("first-speakers-first"),
        _first_speakers_first,
        lambda g, _: _yes_no(g.speaking_order is not SpeakingOrder.ARRIVAL),
        shown=False,
    ),
    Setting(
        "replies",
        "réactions",
        _switch("replies"),
        lambda g, v: replace(g, reply_hands=bool(v)),
        lambda g, _: _yes_no(g.reply_hands),
    ),
    Setting(
        "opening-round",
        "tour-ouverture",
        _switch("opening-round"),
        lambda g, v: replace(g, opening_round=bool(v)),
        lambda g, _: _yes_no(g.opening_round),
    ),
    Setting(
        "closing-round",
        "tour-clôture",
        _switch("closing-round"),
        lambda g, v: replace(g, closing_round=bool(v)),
        lambda g, _: _yes_no(g.closing_round),
    ),
    Setting(
        "summary",
        "résumé",
        _switch("summary"),
        lambda g, v: replace(g, summary=bool(v)),
        lambda g, _: _yes_no(g.summary),
    ),
    Setting(
        "hand-check",
        "main-oubliée",
        _hand_check,
        lambda g, v: replace(g, hand_check_minutes=v if isinstance(v, int) else None),
        lambda g, _: Duration(g.hand_check_minutes) if g.hand_check_minutes else _yes_no(False),
    ),
    Setting(
        "leave-grace",
        "délai-départ",
        _minutes("leave-grace", 1, 30),
        lambda g, v: replace(g, leave_grace_minutes=_as_int(v)),
        lambda g, _: Duration(g.leave_grace_minutes),
    ),
    Setting(
        "charter-required",
        "charte-obligatoire",
        _switch("charter-required"),
        lambda g, v: replace(g, charter_required=bool(v)),
        lambda g, _: _yes_no(g.charter_required),
    ),
    Setting(
        "country",
        "pays",
        _country,
        lambda g, v: replace(g, country=v if isinstance(v, str) else None),
        _show_country,
    ),
    Setting(
        "directory",
        "annuaire",
        _switch("directory"),
        lambda g, v: replace(g, listed=bool(v)),
        lambda g, _: _yes_no(g.listed),
    ),
)

SETTING_KEYS = tuple(s.key for s in SETTINGS)
SETTING_ALIASES = {s.french: s.key for s in SETTINGS}
_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True, slots=True)
class Set:
    key: Annotated[str, OneOf(choices=SETTING_KEYS, aliases=SETTING_ALIASES)]
    value: Annotated[str, Text()]


async def set_(ctx: Context, args: Set) -> list[Reply]:
    setting = _BY_KEY[args.key]
    value = setting.parse(args.value)
    before, ctx.group = ctx.group, setting.apply(ctx.group, value)
    await ctx.uow.groups.update(ctx.group)
    replies = [
        room(
            "group.updated",
            setting=Key(f"setting.{setting.key}"),
            value=setting.show(ctx.group, ctx.group.language),
        )
    ]
    if setting.key == "reminders":
        await planning.replan(ctx.uow, ctx.group, ctx.now)
    if setting.key == "capacity":  # more places (or none counted): the first waiting get them
        replies += await attendance.fill_places(ctx.uow, ctx.group, ctx.now)
    if setting.key == "timezone" and (
        moved := await planning.rezone(ctx.uow, before, ctx.group, ctx.now)
    ):
        replies.append(room("group.timezone_moved", count=moved, timezone=ctx.group.timezone))
    return replies


async def show(ctx: Context, args: NoArgs) -> list[Reply]:
    params: dict[str, Param] = {
        s.key.replace("-", "_"): s.show(ctx.group, ctx.language) for s in SETTINGS if s.shown
    }
    return [room("group.show", **params)]
