"""Buttons: the stick panel's four persistent buttons and one button per reply choice.

Both are matched by ``custom_id`` alone, so they keep working after a restart: the panel view is
registered once without a message id, choices through a dynamic item whose ``custom_id`` carries
the room and the command line (``cercle:<room id>:<line>``).  The views sent with messages are
stopped before sending, so discord.py does not keep one per message in memory."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.registry import REGISTRY
from bot.replies import Choice

log = logging.getLogger("cercle.discord")

Press = Callable[[discord.Interaction, str, int | None], Awaitable[None]]
"""Runs a command line for whoever pressed: (interaction, line, room id or None for "here")."""

MAX_CUSTOM_ID = 100
MAX_LABEL = 80
CHOICE_PREFIX = "cercle"
CHOICE_TEMPLATE = rf"{CHOICE_PREFIX}:(?P<room>[0-9]{{1,20}}):(?P<line>.+)"


@dataclass(frozen=True, slots=True)
class PanelButton:
    custom_id: str
    command: str
    """The registry command whose name labels the button."""
    line: str
    emoji: str
    style: discord.ButtonStyle


PANEL_BUTTONS = (
    PanelButton("hand", "hand", "hand", "✋", discord.ButtonStyle.primary),
    PanelButton("lower", "lower", "lower", "👇", discord.ButtonStyle.secondary),
    PanelButton("pass", "pass", "pass", "🎤", discord.ButtonStyle.secondary),
    # A break asked from the panel is anonymous: pressing a button is the quiet way to ask.
    PanelButton("pause", "pause", "pause anon", "☕", discord.ButtonStyle.secondary),
)


def panel_view(language: str, press: Press | None = None) -> discord.ui.View:
    """The panel's buttons, labelled in ``language``.  With ``press`` it is the persistent view
    to register; without, a stopped copy to send."""
    view = discord.ui.View(timeout=None)
    for spec in PANEL_BUTTONS:
        label = REGISTRY.get(spec.command).display_name(language).capitalize()
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, emoji=spec.emoji, style=spec.style, custom_id=spec.custom_id
        )
        if press is not None:
            # discord.py documents assigning a callback to a button; its stubs type it as a method.
            button.callback = _pressing(press, spec.line)  # type: ignore[method-assign,assignment]
        view.add_item(button)
    if press is None:
        view.stop()
    return view


def _pressing(
    press: Press, line: str
) -> Callable[[discord.Interaction[Any]], Coroutine[Any, Any, None]]:
    async def callback(interaction: discord.Interaction[Any]) -> None:
        await press(interaction, line, None)

    return callback


def choice_view(room_id: int, choices: Sequence[Choice]) -> discord.ui.View | None:
    """A stopped view with one button per choice (choices too long for a custom id are left
    out: the text of the reply still says what to type)."""
    view = discord.ui.View(timeout=None)
    for choice in choices[:25]:
        custom_id = f"{CHOICE_PREFIX}:{room_id}:{choice.command}"
        if len(custom_id) > MAX_CUSTOM_ID:
            log.warning("a choice is too long for a button; left out")
            continue
        view.add_item(
            discord.ui.Button(
                label=choice.label[:MAX_LABEL] or "…",
                # One-tap answers (the reminder's ✅ ❔ ❌) are quieter than an offer to act.
                style=discord.ButtonStyle.secondary
                if choice.emoji
                else discord.ButtonStyle.success,
                custom_id=custom_id,
                emoji=choice.emoji,
            )
        )
    view.stop()
    return view if view.children else None


def choice_button(press: Press) -> type[discord.ui.DynamicItem[discord.ui.Button[Any]]]:
    """The dynamic item that answers every choice button, for ``Client.add_dynamic_items``."""

    class ChoiceButton(
        discord.ui.DynamicItem[discord.ui.Button[Any]],
        template=CHOICE_TEMPLATE,
    ):
        def __init__(self, room_id: int, line: str) -> None:
            super().__init__(
                discord.ui.Button(custom_id=f"{CHOICE_PREFIX}:{room_id}:{line}", label="…")
            )
            self.room_id = room_id
            self.line = line

        @classmethod
        async def from_custom_id(
            cls,
            interaction: discord.Interaction,
            item: discord.ui.Item[Any],
            match: re.Match[str],
        ) -> ChoiceButton:
            return cls(int(match["room"]), match["line"])

        async def callback(self, interaction: discord.Interaction) -> None:
            await press(interaction, self.line, self.room_id)

    return ChoiceButton
