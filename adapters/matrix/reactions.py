"""Reactions on the stick panel act as commands typed by the person who reacted."""

from __future__ import annotations

import re

BUTTONS: tuple[tuple[str, str], ...] = (("✋", "hand"), ("➡️", "pass"), ("☕", "pause"))
"""(emoji the bot puts under the panel, command it stands for), in display order."""

# Variation selectors and skin tones do not change what a reaction means.
_MODIFIERS = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_COMMANDS = {_MODIFIERS.sub("", emoji): command for emoji, command in BUTTONS}


def plain(key: str) -> str:
    """A reaction's emoji without what does not change its meaning (``❔️`` is ``❔``)."""
    return _MODIFIERS.sub("", key.strip())


def command_for(key: str) -> str | None:
    """The command a reaction stands for, or None for any other reaction."""
    return _COMMANDS.get(plain(key))
