"""Every message, rendered for each platform with hostile parameters, stays what the catalog
says: no forged line, no hidden link, no mention, no invisible or direction-changing character.

Platforms: plain text (the console's transcript), Matrix (plain body and HTML body) and Discord
(markdown).  A renderer-level test over every key of both catalogs, then the defects of issue 10
that it protects against, played through the core."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from adapters.console.transcript import format_outgoing
from adapters.discord.render import MAX_CONTENT, literal, message
from adapters.discord.render import text as discord_text
from adapters.matrix.render import text_of
from bot.events import Incoming
from bot.i18n import CATALOGS, placeholders, render, translate
from bot.i18n.cleaning import MAX_NAME_LENGTH, clean_name
from bot.replies import Audience, Key, Lines, Outgoing, Param, Reply, UserRef, UserText
from tests.unit.harness import Harness

HOSTILE = [
    "Eve\n🎤 Mallory now holds the talking stick.",
    "Eve\r\n[room] 🎤 Mallory\u2028holds\u2029the stick\x85now\x0bor\x0cthen\x1cend",
    "Bob \u202eevil text reversed\u202c and \u2066isolated\u2069",
    "nul\x00 esc\x1b[31m red bell\x07",
    "zero\u200bwidth\u200c\u200d\u2060\ufeff joiners",
    "[Crisis line](https://evil.example)",
    "[Crisis line",
    "](https://evil.example)",
    "<a href='https://evil.example'>click</a><b>bold</b>",
    "@everyone @here @room <@123456> <@&42> <#99> @Channel",
    "# Heading\n> quote\n-# small\n- item\n1. first\n  2) second\n+ plus",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```",
    "<t:0:R> <https://evil.example> \\[escaped\\](https://evil.example)",
    "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301 zalgo",
]

WHEN = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
KEYS = sorted(CATALOGS["en"])
MENTION = re.compile(r"@(everyone|here|room|channel)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
MASKED_LINK = re.compile(r"\]\(")
BLOCK_MARK = re.compile(r"\s*(#{1,3}\s|>|-#|[-*+]\s|\d+[.)]\s)")


def outgoing(key: str, params: dict[str, Param], language: str) -> Outgoing:
    return Outgoing("test", "room-1", Reply(key, params), language, "Europe/Paris", "k")


def console_text(item: Outgoing) -> str:
    return "\n".join(format_outgoing(item))


def matrix_plain(item: Outgoing) -> str:
    return text_of(item, "!")[0]


def matrix_html(item: Outgoing) -> str:
    return text_of(item, "!")[1]


RENDERERS: dict[str, Callable[[Outgoing], str]] = {
    "console": console_text,
    "matrix": matrix_plain,
    "matrix-html": matrix_html,
    "discord": discord_text,
}


def unescaped(text: str, marks: str) -> int:
    """How many of ``marks`` in Discord markdown are not escaped by a backslash."""
    count = 0
    backslashes = 0
    for char in text:
        if char == "\\":
            backslashes += 1
            continue
        if char in marks and backslashes % 2 == 0:
            count += 1
        backslashes = 0
    return count


def block_marks(text: str) -> int:
    """Lines that Discord would show as a heading, a quote or a list item."""
    return sum(1 for line in text.split("\n") if BLOCK_MARK.match(line))


def invisible(text: str) -> list[str]:
    """Control, format (bidi, zero-width) characters, except line breaks and the word joiner
    that defuses mentions."""
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c not in "\n\u2060" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
    ]


def lines_of(platform: str, text: str) -> int:
    if platform == "matrix-html":
        return text.count("<br>") + 1
    return len(text.splitlines())


def assert_safe(platform: str, hostile: str, benign: str, *, one_line: bool) -> None:
    if one_line:
        assert lines_of(platform, hostile) == lines_of(platform, benign), hostile
    assert not MENTION.search(hostile.replace("\\", "")), hostile
    assert invisible(hostile) == [], hostile
    if platform == "matrix-html":
        assert re.findall(r"<(?!br>)", hostile) == [], hostile  # no tag but line breaks
    if platform == "discord":
        for marks in ("[", "]", "<", "*_~|`"):
            assert unescaped(hostile, marks) == unescaped(benign, marks), (marks, hostile)
        assert not MASKED_LINK.search(hostile.replace("\\]", "")), hostile
        assert block_marks(hostile) == block_marks(benign), hostile


def as_type(kind: str, value: str) -> Param:
    if kind == "name":
        return UserRef("u1", value)
    if kind == "text":
        return UserText(value)
    return value


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", ["name", "text", "str"])
@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_every_message_renders_hostile_parameters_safely_on_every_platform(
    hostile: str, kind: str, language: str
) -> None:
    """Names and texts (``UserRef``, ``UserText``) can forge no line; no parameter at all, not
    even a plain string quoting a command, can make a link, a mention or hide characters."""
    for key in KEYS:
        names = placeholders(CATALOGS[language][key])
        if not names:
            continue
        bad = outgoing(key, {n: as_type(kind, hostile) for n in names}, language)
        good = outgoing(key, {n: as_type(kind, "x") for n in names}, language)
        for platform, render_on in RENDERERS.items():
            try:
                assert_safe(platform, render_on(bad), render_on(good), one_line=kind != "str")
            except AssertionError as error:
                raise AssertionError(f"{key} on {platform}: {error}") from None


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_nested_lines_render_their_parameters_as_safely(hostile: str) -> None:
    items = tuple(
        Key("theme.line", {"id": 1, "theme": UserText(hostile), "details": hostile})
        for _ in range(3)
    )
    bad = outgoing("theme.list", {"lines": Lines(items)}, "fr")
    good = outgoing(
        "theme.list",
        {
            "lines": Lines(
                tuple(
                    Key("theme.line", {"id": 1, "theme": UserText("x"), "details": "x"})
                    for _ in range(3)
                )
            )
        },
        "fr",
    )
    for platform, render_on in RENDERERS.items():
        assert_safe(platform, render_on(bad), render_on(good), one_line="\n" not in hostile)


# --- defect 5: display names are cleaned --------------------------------------------------------


def test_a_display_name_is_one_clean_line_of_sensible_length() -> None:
    assert clean_name("Eve\n🎤 Mallory now holds the talking stick.") == (
        "Eve 🎤 Mallory now holds the talking sti…"
    )
    assert clean_name("Bob\u202e evil\u202c") == "Bob evil"
    assert clean_name("a\x00b\x1b[31mc") == "a b [31mc"
    assert clean_name("ze\u200bro\ufeff") == "zero"
    assert clean_name("\u202e\u200b", fallback="@eve:example.org") == "@eve:example.org"
    assert len(clean_name("x" * 500)) == MAX_NAME_LENGTH


async def join(h: Harness, user: str, display_name: str, text: str) -> list[Outgoing]:
    incoming = Incoming("test", h.room, user, display_name, text, f"{user}-{text}")
    return await h.app.handle(incoming)


async def test_a_display_name_cannot_forge_a_bot_line_or_reverse_a_sentence() -> None:
    h = Harness()
    hostile = "Eve\n🎤 Mallory now holds the talking stick.\u202e\x00\x1b\u200b"
    said = await join(h, "eve", hostile, "agree")
    room = [o for o in said if o.reply.audience is Audience.ROOM]
    assert room, "the room hears that Eve accepted the charter"
    for item in room:
        named = {
            k: UserRef("eve", "Eve") for k, v in item.reply.params.items() if isinstance(v, UserRef)
        }
        plain = replace(item, reply=replace(item.reply, params={**item.reply.params, **named}))
        for platform, render_on in RENDERERS.items():
            shown = render_on(item)
            assert lines_of(platform, shown) == lines_of(platform, render_on(plain)), platform
            assert invisible(shown) == [], platform
            assert "Eve 🎤 Mallory" in shown, platform


# --- defect 6: user text is literal on Discord ------------------------------------------------


async def test_a_theme_with_a_markdown_link_is_no_hidden_link_on_discord() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    said = await h.ok("mod", "theme propose [Crisis line](https://evil.example)")
    proposed = next(o for o in said.outgoing if o.reply.key == "theme.proposed")
    shown = discord_text(proposed)
    assert "\\[Crisis line\\](https://evil.example)" in shown
    assert unescaped(shown, "[") == 0


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("group set name **Big** [name](https://evil.example)", "group.updated"),
        (
            "group set charter Be kind. [Crisis line](https://evil.example) __always__",
            "group.updated",
        ),
        ("session schedule 2026-12-08 19:30 [Crisis line](https://evil.example)", None),
    ],
)
async def test_names_titles_and_charters_are_literal_on_discord(
    command: str, key: str | None
) -> None:
    h = Harness()
    await h.ok("mod", "agree")
    said = await h.ok("mod", command)
    for item in said.outgoing:
        shown = discord_text(item)
        assert unescaped(shown, "[") == 0, shown
        assert "**Big**" not in shown and "__always__" not in shown
    listed = await h.ok("mod", "sessions")
    for item in listed.outgoing:
        assert unescaped(discord_text(item), "[") == 0


def test_discord_literal_escapes_what_would_combine_into_a_link() -> None:
    assert literal("[Crisis line") + literal("](https://evil.example)") == (
        "\\[Crisis line\\](https://evil.example)"
    )
    assert literal("\\[x") == "\\\\\\[x"  # a typed backslash does not cancel the escape
    assert literal("https://example.org/a_b") == "https://example.org/a_b"  # links still work


# --- defect 13: answers fit each platform ----------------------------------------------------


DISCORD_LIMIT = MAX_CONTENT
MATRIX_EVENT_LIMIT = 65_536


def matrix_event_bytes(item: Outgoing) -> int:
    """The notice as the homeserver receives it, encrypted (base64: 4/3 larger)."""
    body, html = text_of(item, "!")
    content = {"msgtype": "m.notice", "body": body, "formatted_body": html}
    return len(json.dumps(content)) * 4 // 3 + 1024


def assert_fits(item: Outgoing) -> None:
    shown = message(item, 1).content or ""
    assert len(shown.encode("utf-16-le")) // 2 <= DISCORD_LIMIT
    assert shown == discord_text(item), "cut instead of fitting"
    assert matrix_event_bytes(item) < MATRIX_EVENT_LIMIT


async def test_forty_notes_fit_one_message_and_point_to_the_export() -> None:
    h = Harness()
    for number in range(40):
        await h.ok(
            "ann", f"journal add {'Une longue note sur la séance. ' * 12} {number}", private=True
        )
    said = await h.ok("ann", "journal list", private=True)
    (item,) = said.outgoing
    assert_fits(item)
    shown = render(item)
    assert "journal export" in shown
    assert "#40 ·" in shown, "the most recent note is shown"


async def test_forty_long_themes_and_many_groups_fit_one_message() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    for number in range(40):
        await h.ok("mod", f"theme propose {'A long theme to talk about together ' * 5}{number}")
    (item,) = (await h.ok("mod", "theme list")).outgoing
    assert_fits(item)
    for number in range(30):
        room = f"room-{number}"
        await h.ok("mod", "agree", room=room)
        await h.ok(
            "mod", f"group set name {'Groupe de parole du mardi soir '[:30]}{number}", room=room
        )
        await h.ok("mod", "group set directory on", room=room)
    (item,) = (await h.ok("mod", "groups")).outgoing
    assert_fits(item)
    assert "do not fit" in render(item)


def test_the_renderer_never_cuts_a_reply_silently() -> None:
    long = "\n".join(f"line {n} " + "words " * 20 for n in range(3000))
    item = outgoing(
        "resources.list", {"lines": UserText(long, multiline=True), "emergency": "112"}, "fr"
    )
    shown = message(item, 1).content or ""
    assert len(shown) <= DISCORD_LIMIT
    assert shown.endswith(translate("render.shortened", "fr"))
    body, _ = text_of(item, "!")
    assert body.endswith(translate("render.shortened", "fr"))
    assert matrix_event_bytes(item) < MATRIX_EVENT_LIMIT


def test_time_parameters_stay_discord_timestamps() -> None:
    item = outgoing("charter.already_accepted", {"when": WHEN + timedelta(hours=1)}, "en")
    assert "<t:" in discord_text(item) and "\\<t:" not in discord_text(item)


async def test_six_long_session_titles_and_a_long_queue_fit_one_message() -> None:
    h = Harness(language="fr")
    await h.ok("mod", "agree")
    title = ("*Un_titre* très [long] pour voir " * 7)[:200]
    for day in range(8, 16):
        await h.ok("mod", f"session schedule 2026-12-{day:02d} 19:30 {title}")
    (item,) = (await h.ok("mod", "sessions")).outgoing
    assert_fits(item)
    people = [f"{'person with a very long display name ' * 2}{n}" for n in range(30)]
    await h.open_with(*people)
    for person in people:
        await h.ok(person, "hand")
    said = await h.ok("mod", "queue")
    (item,) = [o for o in said.outgoing if o.reply.key == "stick.queue"]
    assert_fits(item)


def test_a_charter_keeps_its_lines_but_no_invisible_character() -> None:
    charter = UserText("Be kind.\u202e\r\n\n\n\n- Listen\u200b.\x00", multiline=True)
    item = outgoing("charter.show", {"charter": charter}, "en")
    assert render(item) == "📜 Our charter: Be kind.\n\n- Listen."
    assert "\\- Listen" in discord_text(item), "a line start is no markdown list on Discord"


async def test_a_note_with_line_breaks_is_listed_on_one_line_with_the_export_pointed_to() -> None:
    h = Harness()
    await h.ok("ann", "journal add short and whole", private=True)
    (whole,) = (await h.ok("ann", "journal list", private=True)).outgoing
    assert whole.reply.key == "journal.list"
    await h.ok(
        "ann", "journal add first line\n🎤 Mallory now holds the talking stick.", private=True
    )
    (listed,) = (await h.ok("ann", "journal list", private=True)).outgoing
    assert listed.reply.key == "journal.list_partial"
    assert "first line 🎤 Mallory now holds the talking stick." in render(listed)
    assert "journal export" in render(listed)
