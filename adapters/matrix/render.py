"""Replies as Matrix content: an ``m.notice`` with a plain body and an HTML body, edits of the
stick panel (``m.replace``), reactions, and deterministic transaction ids."""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

from bot.i18n import PLACE_FORMATS, fit_text, render
from bot.replies import Choice, Outgoing

HTML_FORMAT = "org.matrix.custom.html"

MAX_TEXT_BYTES = 20_000
"""What the plain and HTML bodies of one notice may weigh as JSON.  Matrix refuses events over
64 KiB; an encrypted event carries its content in base64 (4/3 larger), and an edit of the
panel carries the text twice: 2 × 20,000 × 4/3 plus signatures stays well under the limit."""


def room_link(room_id: str) -> str:
    """A link any Matrix client opens (the directory shows where each group meets)."""
    return f"https://matrix.to/#/{room_id}"


PLACE_FORMATS["matrix"] = room_link


def transaction_id(seed: str) -> str:
    """The same seed always gives the same id: the homeserver then never posts twice."""
    return "cercle-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


def to_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def choice_lines(choices: tuple[Choice, ...], prefix: str) -> tuple[str, str]:
    """What a person can send next, as plain lines and as HTML."""
    plain: list[str] = []
    marked: list[str] = []
    for choice in choices:
        command = f"{prefix}{choice.command}"
        if choice.label.strip() in (choice.command, command):
            plain.append(f"👉 {command}")
            marked.append(f"👉 <code>{html.escape(command, quote=False)}</code>")
        else:
            plain.append(f"👉 {choice.label}: {command}")
            label = html.escape(choice.label, quote=False)
            marked.append(f"👉 {label}: <code>{html.escape(command, quote=False)}</code>")
    return "\n".join(plain), "<br>".join(marked)


def answer_line(choices: tuple[Choice, ...]) -> str:
    """One-tap answers, shown as the reactions they are: ``✅ I'm coming · ❔ Maybe · …``."""
    return " · ".join(f"{choice.emoji} {choice.label}" for choice in choices)


def text_of(outgoing: Outgoing, prefix: str) -> tuple[str, str]:
    """The reply's plain body and HTML body (user text inside is already unable to ping)."""
    body = fit_text(render(outgoing), _fits_an_event, outgoing.language)
    formatted = to_html(body)
    choices = outgoing.reply.choices
    if choices and all(c.emoji for c in choices):  # answered by reacting (see Delivery.answers)
        line = answer_line(choices)
        return f"{body}\n\n{line}", f"{formatted}<br><br>{to_html(line)}"
    if outgoing.reply.choices:
        plain, marked = choice_lines(outgoing.reply.choices, prefix)
        body = f"{body}\n\n{plain}"
        formatted = f"{formatted}<br><br>{marked}"
    return body, formatted


def _fits_an_event(body: str) -> bool:
    return len(json.dumps([body, to_html(body)])) <= MAX_TEXT_BYTES


def notice(body: str, formatted: str) -> dict[str, Any]:
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": formatted,
        "m.mentions": {},  # nobody is pinged by the bot's words, whatever names they contain
    }


def edit(target_event_id: str, body: str, formatted: str) -> dict[str, Any]:
    """Replace ``target_event_id``'s text (clients show the new text in place)."""
    return {
        **notice(f"* {body}", f"* {formatted}"),
        "m.new_content": notice(body, formatted),
        "m.relates_to": {"rel_type": "m.replace", "event_id": target_event_id},
    }


def reply_to(event_id: str, body: str) -> dict[str, Any]:
    """A notice answering one event (rendered by clients as a reply)."""
    return {
        **notice(body, to_html(body)),
        "m.relates_to": {"m.in_reply_to": {"event_id": event_id}},
    }


def reaction(target_event_id: str, key: str) -> dict[str, Any]:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": target_event_id, "key": key}}
