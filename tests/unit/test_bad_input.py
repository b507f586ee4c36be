"""Bad input gets a clear, translated reply and changes nothing; permissions live in the core."""

from __future__ import annotations

import copy
import logging

import pytest

from bot.i18n import render
from bot.registry import REGISTRY
from bot.replies import Audience, Tone
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


async def prepared(language: str = "en") -> tuple[Harness, InMemoryStore]:
    store = InMemoryStore()
    h = Harness(store=store, language=language)
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    return h, store


def moderator_lines(language: str) -> list[str]:
    lines = []
    for path, command in REGISTRY.walk():
        if not any(c.permission.value == "moderator" for c in path):
            continue
        words = [c.display_name(language) for c in path]
        sample = {
            "member": "ann",
            "position": "1",
            "minutes": "5",
            "duration": "30",
            "key": "name",
            "value": "Nouveau nom",
            "date": "2027-01-05",
            "time": "19:30",
            "id": "1",
            "field": "note",
        }
        words += [sample[a.name] for a in command.args if a.required or a.name == "member"]
        lines.append(" ".join(words))
    return lines


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_a_member_trying_every_moderator_command_is_refused_and_nothing_changes(
    language: str,
) -> None:
    h, store = await prepared(language)
    before = copy.deepcopy(store.tables)
    lines = moderator_lines(language)
    assert len(lines) == len(
        [p for p, _ in REGISTRY.walk() if p[-1].permission.value == "moderator"]
    )
    for line in lines:
        said = await h.say("bob", line)
        assert said.errors == ["error.moderators_only"], line
        [reply] = said.outgoing
        assert reply.reply.audience is Audience.PRIVATE and reply.reply.user_id == "bob"
        text = render(reply)
        assert (
            ("Only the moderators" in text)
            if language == "en"
            else ("Seule l'équipe d'animation" in text)
        )
    assert store.tables == before


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("frobnicate", "error.unknown_command_no_suggestion"),
        ("hnad", "error.unknown_command"),
        ("hand please", "error.words_only_for_notice"),
        ("lower please", "error.too_many_arguments"),
        ("stick move ann", "error.missing_argument"),
        ("stick move ann first", "error.bad_int"),
        ("stick move ann 1 2 3", "error.member_not_found"),
        ("session break 600", "error.minutes_out_of_range"),
        ("stick timer forever", "error.bad_timer"),
        ("group set timezone Mars/Olympus", "error.setting.timezone_unknown"),
        ("group set timezone Europe/Pariss", "error.setting.timezone"),
        ("group set language klingon", "error.setting.language"),
        ("group set duration 5", "error.setting.duration"),
        ("group set reminders soon", "error.setting.reminders"),
        ("group set charter short", "error.setting.charter"),
        ("group set name " + "x" * 150, "error.setting.name"),
        ("group set charter " + "x" * 2100, "error.too_long"),
        ("hand\x00", "error.control_characters"),
        ("hand \u202e", "error.control_characters"),
        ("pause \x1b[31m", "error.control_characters"),
        ("", "error.empty_command"),
        ("x" * 2001, "error.too_long"),
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
async def test_bad_input_gets_a_translated_reply_and_changes_nothing(
    line: str, key: str, language: str
) -> None:
    h, store = await prepared(language)
    before = copy.deepcopy(store.tables)
    said = await h.say("mod", line)
    assert said.errors == [key]
    [reply] = said.outgoing
    assert reply.reply.tone is Tone.ERROR
    text = render(reply)
    assert text and "Traceback" not in text and "{" not in text
    assert store.tables == before


async def test_an_unexpected_failure_is_rolled_back_and_told_kindly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h, store = await prepared()
    before = copy.deepcopy(store.tables)

    async def explode(*_: object) -> None:
        raise RuntimeError("secret words from a member")

    def broken_store() -> object:
        """Units of work whose stick writes fail after the member was already updated."""
        uow = store()
        uow.sticks.save = explode  # type: ignore[method-assign]
        return uow

    h.app._uow = broken_store  # type: ignore[assignment]
    with caplog.at_level(logging.ERROR):
        said = await h.say("bob", "lower")
    assert said.errors == []
    assert said.keys == ["error.internal"]
    assert render(said.outgoing[0]).startswith(
        "Sorry, something went wrong on my side. Nothing was changed"
    )
    assert store.tables == before
    assert "secret words" not in caplog.text
    assert "RuntimeError" in caplog.text


async def test_user_text_never_pings_in_replies() -> None:
    h, _ = await prepared()
    said = await h.ok("mod", "group set name @everyone @here @room <@123>")
    text = said.room[0]
    assert "@everyone" not in text and "@here" not in text and "@room" not in text
    assert "<@123>" not in text


async def test_a_refused_command_does_not_register_a_newcomer() -> None:
    h, store = await prepared()
    said = await h.say("zoe", "stick next")
    assert said.keys == ["welcome.private", "error.moderators_only"]
    assert said.room == []
    assert not any(m.user_id == "zoe" for m in store.tables.members.values())
