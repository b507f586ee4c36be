"""One message to deliver, rendered and addressed, in a form the outbox can store as JSON."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from adapters.matrix.render import text_of, transaction_id
from adapters.pacing import Urgency
from bot.handlers.privacy import FORGOTTEN
from bot.replies import Audience, Outgoing, Reply, Tone

PANEL_CLOSED = "stick.panel_closed"


class Kind(StrEnum):
    ROOM = "room"
    """A notice in the group room."""
    PRIVATE = "private"
    """A notice in the direct room with ``user_id``."""
    PANEL = "panel"
    """The stick panel: posted once per session, then edited in place."""
    PANEL_CLOSED = "panel_closed"
    """The panel's last edit; the next session posts a new one."""
    REACTION = "reaction"
    """The bot's own reaction ``key`` under the event ``target`` (an answer to tap)."""
    REDACTION = "redaction"
    """The event ``target`` taken back out of the room (a member's answer, kept private)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    kind: Kind
    room_id: str
    """The group room (for private replies too: where they come from)."""
    body: str
    html: str
    txn: str
    """Deterministic transaction id: sending again can never post twice."""
    language: str
    user_id: str | None = None
    reply_to: str | None = None
    """An event this notice answers."""
    filename: str | None = None
    """A file sent after the notice (a calendar, an export), as ``m.file``."""
    content_type: str | None = None
    data: str | None = None
    """The file's bytes, base64-encoded (the delivery is stored as JSON)."""
    confidential: bool = False
    """Holds what a member entrusted privately: never written to the outbox."""
    forgets: bool = False
    """The last words to someone who asked to be forgotten: their direct room goes after it."""
    urgency: int = Urgency.ROOM
    """What goes first when the homeserver makes replies wait (:class:`Urgency`)."""
    answers: tuple[tuple[str, str], ...] = ()
    """A room notice's one-tap answers, (emoji, command line): once it is posted, the bot
    reacts with each emoji, and a member's reaction runs the command for them."""
    target: str | None = None
    """The event a reaction or a redaction is about."""
    key: str | None = None
    """A reaction's emoji."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Delivery:
        answers = tuple((emoji, line) for emoji, line in data.get("answers", ()))
        return cls(**{**data, "kind": Kind(data["kind"]), "answers": answers})

    def reactions(self, event_id: str) -> list[Delivery]:
        """The bot's reactions under this notice, posted as ``event_id``: after anything more
        urgent (they only invite an answer, which can also be typed)."""
        return [
            Delivery(
                kind=Kind.REACTION,
                room_id=self.room_id,
                body="",
                html="",
                txn=f"{self.txn}.{index}",
                language=self.language,
                urgency=Urgency.BULK,
                target=event_id,
                key=emoji,
            )
            for index, (emoji, _) in enumerate(self.answers)
        ]


def from_outgoing(outgoing: Outgoing, prefix: str, epoch: str) -> Delivery:
    """``epoch`` is drawn once per database: keys that start again from 1 in a new database
    (job ids…) must not collide with transaction ids the homeserver still remembers."""
    reply = outgoing.reply
    body, html = text_of(outgoing, prefix)
    if reply.tone is Tone.PANEL:
        kind = Kind.PANEL_CLOSED if reply.key == PANEL_CLOSED else Kind.PANEL
    elif reply.audience is Audience.PRIVATE and reply.user_id:
        kind = Kind.PRIVATE
    else:
        kind = Kind.ROOM
    attachment = reply.attachment
    return Delivery(
        kind=kind,
        room_id=outgoing.room_id,
        body=body,
        html=html,
        txn=transaction_id(f"{epoch}:{outgoing.room_id}:{outgoing.idempotency_key}"),
        language=outgoing.language,
        user_id=reply.user_id if kind is Kind.PRIVATE else None,
        filename=attachment.filename if attachment else None,
        content_type=attachment.content_type if attachment else None,
        data=base64.b64encode(attachment.data).decode("ascii") if attachment else None,
        confidential=reply.confidential,
        forgets=reply.key == FORGOTTEN and kind is Kind.PRIVATE,
        answers=answers_of(reply) if kind is Kind.ROOM else (),
    )


def answers_of(reply: Reply) -> tuple[tuple[str, str], ...]:
    """The reply's choices as reactions, when every one of them has an emoji."""
    if not reply.choices or any(c.emoji is None for c in reply.choices):
        return ()
    return tuple((c.emoji, c.command) for c in reply.choices if c.emoji is not None)
