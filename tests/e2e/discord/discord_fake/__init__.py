"""A fake Discord for driving the real discord.py client in tests (see server.py)."""

import warnings

with warnings.catch_warnings():
    # discord.py imports audioop (voice playback, unused), deprecated since Python 3.11.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from .acting import CommandUnavailable
from .exchanges import Exchange
from .model import (
    CATEGORY,
    DM,
    MANAGE_CHANNELS,
    STAGE,
    TEXT,
    VOICE,
    Channel,
    Guild,
    Message,
    Role,
    User,
)
from .openapi import OpenApi
from .server import FakeDiscord

__all__ = [
    "CATEGORY",
    "DM",
    "MANAGE_CHANNELS",
    "STAGE",
    "TEXT",
    "VOICE",
    "Channel",
    "CommandUnavailable",
    "Exchange",
    "FakeDiscord",
    "Guild",
    "Message",
    "OpenApi",
    "Role",
    "User",
]
