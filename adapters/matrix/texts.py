"""The few words the Matrix adapter says itself (everything else comes from the core)."""

from __future__ import annotations

UNDECRYPTABLE = {
    "fr": (
        "🔒 Je n'ai pas pu déchiffrer ce message. Pourriez-vous le renvoyer ? "
        "(Si cela se reproduit, vérifiez que votre appareil partage ses clés avec le bot.)"
    ),
    "en": (
        "🔒 I could not decrypt this message. Could you send it again? "
        "(If it happens again, check that your device shares its keys with the bot.)"
    ),
}


def undecryptable(language: str) -> str:
    return UNDECRYPTABLE.get(language, UNDECRYPTABLE["en"])
