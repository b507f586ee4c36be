"""Every command Cercle understands, declared once.  Adapters render these (slash commands,
``!`` parsing, the console) and ``cercle commands --markdown`` documents them."""

from __future__ import annotations

from bot.commands.args import ID_MAX
from bot.commands.parser import Registry
from bot.commands.spec import Arg, ArgType, Command, Permission
from bot.domain.care import JOURNAL_MAX_LENGTH, THEME_MAX_LENGTH
from bot.handlers import (
    accompanying,
    charter,
    directory,
    group,
    help,
    journal,
    observer,
    pause,
    privacy,
    schedule,
    session,
    stick,
    themes,
)

MODERATOR = Permission.MODERATOR
MEMBER = Arg("member", ArgType.MEMBER)
ON_OFF = Arg(
    "state",
    ArgType.CHOICE,
    choices=("on", "off"),
    aliases={"oui": "on", "non": "off", "yes": "on", "no": "off"},
)
THEME_ID = Arg(
    "id",
    ArgType.INT,
    minimum=1,
    maximum=ID_MAX,
    unknown="error.theme_not_found",
    listing=("theme", "list"),
)
SESSION_ID = Arg("id", ArgType.INT, minimum=1, maximum=ID_MAX, unknown="error.session_not_found")
"""A theme's or a session's number: one out of range is "no such theme/session"."""
RECURRENCE_WORDS = {
    "hebdo": "weekly",
    "hebdomadaire": "weekly",
    "chaque-semaine": "weekly",
    "chaque semaine": "weekly",
    "toutes les semaines": "weekly",
    "every week": "weekly",
    "each week": "weekly",
    "quinzaine": "biweekly",
    "toutes-les-deux-semaines": "biweekly",
    "toutes les deux semaines": "biweekly",
    "une semaine sur deux": "biweekly",
    "tous les quinze jours": "biweekly",
    "every other week": "biweekly",
    "every two weeks": "biweekly",
    "fortnightly": "biweekly",
    "mensuel": "monthly",
    "mensuelle": "monthly",
    "chaque mois": "monthly",
    "tous les mois": "monthly",
    "every month": "monthly",
    "each month": "monthly",
}
"""How people write a recurrence, in both languages, for ``session schedule``."""

COMMANDS: tuple[Command, ...] = (
    Command(
        "help",
        "help.help",
        {"fr": ("aide",)},
        args=(Arg("command", ArgType.TEXT, required=False, max_length=100),),
        handler=help.help_,
        enrols=False,
    ),
    Command(
        "rules",
        "help.rules",
        {"fr": ("charte", "règles")},
        handler=charter.rules,
        enrols=False,
    ),
    Command("agree", "help.agree", {"fr": ("accepte", "accepter")}, handler=charter.agree),
    Command("hand", "help.hand", {"fr": ("main", "parole")}, handler=stick.hand),
    Command("lower", "help.lower", {"fr": ("baisser",)}, handler=stick.lower),
    Command("pass", "help.pass", {"fr": ("passe", "passer")}, handler=stick.pass_),
    Command(
        "queue",
        "help.queue",
        {"fr": ("file", "attente")},
        handler=stick.show_queue,
        enrols=False,
    ),
    Command(
        "pause",
        "help.pause",
        {"fr": ("pause",)},
        args=(
            Arg(
                "mode",
                ArgType.CHOICE,
                required=False,
                choices=("anon",),
                aliases={"anonyme": "anon", "anonymous": "anon"},
            ),
        ),
        handler=pause.request,
    ),
    Command(
        "observer",
        "help.observer",
        {"fr": ("observateur", "observatrice")},
        args=(ON_OFF,),
        handler=observer.observer,
    ),
    Command(
        "accompanying",
        "help.accompanying",
        {"fr": ("accompagnant", "accompagnante")},
        subcommands=(
            Command("on", "help.accompanying.on", {"fr": ("oui",)}, handler=accompanying.on),
            Command("off", "help.accompanying.off", {"fr": ("non",)}, handler=accompanying.off),
            Command(
                "admit",
                "help.accompanying.admit",
                {"fr": ("admettre",)},
                MODERATOR,
                (MEMBER,),
                accompanying.admit,
            ),
            Command(
                "decline",
                "help.accompanying.decline",
                {"fr": ("refuser",)},
                MODERATOR,
                (MEMBER,),
                accompanying.decline,
            ),
        ),
    ),
    Command(
        "sessions",
        "help.sessions",
        {"fr": ("séances",)},
        handler=schedule.upcoming,
        enrols=False,
    ),
    Command(
        "remind",
        "help.remind",
        {"fr": ("rappels", "rappel")},
        args=(ON_OFF,),
        handler=schedule.remind,
    ),
    Command(
        "theme",
        "help.theme",
        {"fr": ("thème",)},
        subcommands=(
            Command(
                "propose",
                "help.theme.propose",
                {"fr": ("proposer",)},
                args=(Arg("text", ArgType.TEXT, max_length=THEME_MAX_LENGTH),),
                handler=themes.propose,
            ),
            Command(
                "list",
                "help.theme.list",
                {"fr": ("liste",)},
                handler=themes.list_,
                enrols=False,
            ),
            Command(
                "vote", "help.theme.vote", {"fr": ("voter",)}, args=(THEME_ID,), handler=themes.vote
            ),
            Command(
                "unvote",
                "help.theme.unvote",
                {"fr": ("retirer", "dévoter")},
                args=(THEME_ID,),
                handler=themes.unvote,
            ),
            Command(
                "pick",
                "help.theme.pick",
                {"fr": ("choisir",)},
                MODERATOR,
                (
                    THEME_ID,
                    Arg(
                        "session",
                        ArgType.INT,
                        required=False,
                        minimum=1,
                        maximum=ID_MAX,
                        unknown="error.session_not_found",
                    ),
                ),
                themes.pick,
            ),
        ),
    ),
    Command(
        "journal",
        "help.journal",
        {"fr": ("journal", "carnet")},
        subcommands=(
            Command(
                "add",
                "help.journal.add",
                {"fr": ("ajouter", "écrire")},
                args=(Arg("text", ArgType.TEXT, max_length=JOURNAL_MAX_LENGTH),),
                handler=journal.add,
                enrols=False,
            ),
            Command(
                "list",
                "help.journal.list",
                {"fr": ("liste", "lire")},
                handler=journal.list_,
                enrols=False,
            ),
            Command(
                "export",
                "help.journal.export",
                {"fr": ("exporter",)},
                handler=journal.export,
                enrols=False,
            ),
            Command(
                "delete",
                "help.journal.delete",
                {"fr": ("supprimer", "effacer")},
                args=(Arg("which", ArgType.WORD, max_length=20),),
                handler=journal.delete,
                enrols=False,
            ),
            Command(
                "prompt",
                "help.journal.prompt",
                {"fr": ("invitation",)},
                args=(ON_OFF,),
                handler=journal.prompt,
            ),
        ),
    ),
    Command(
        "groups",
        "help.groups",
        {"fr": ("groupes",)},
        handler=directory.groups,
        enrols=False,
    ),
    Command(
        "resources",
        "help.resources",
        {"fr": ("ressources", "urgence")},
        handler=directory.resources,
        enrols=False,
    ),
    Command(
        "my-data",
        "help.my-data",
        {"fr": ("mes-données",)},
        handler=privacy.my_data,
        enrols=False,
    ),
    Command(
        "forget-me",
        "help.forget-me",
        {"fr": ("oublie-moi", "oubliez-moi")},
        args=(
            Arg(
                "confirm",
                ArgType.CHOICE,
                required=False,
                choices=("confirm",),
                aliases={"confirmer": "confirm", "oui": "confirm", "yes": "confirm"},
            ),
        ),
        handler=privacy.forget_me,
        enrols=False,
    ),
    Command(
        "session",
        "help.session",
        {"fr": ("séance",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                "start",
                "help.session.start",
                {"fr": ("ouvrir", "commencer", "début")},
                permission=MODERATOR,
                args=(Arg("duration", ArgType.MINUTES, required=False, minimum=15, maximum=240),),
                handler=session.start,
            ),
            Command(
                "break",
                "help.session.break",
                {"fr": ("pause",)},
                permission=MODERATOR,
                args=(Arg("minutes", ArgType.MINUTES, required=False, minimum=1, maximum=60),),
                handler=session.take_break,
            ),
            Command(
                "resume",
                "help.session.resume",
                {"fr": ("reprendre", "reprise")},
                permission=MODERATOR,
                handler=session.resume,
            ),
            Command(
                "end",
                "help.session.end",
                {"fr": ("clore", "fin", "terminer")},
                permission=MODERATOR,
                handler=session.end,
            ),
            Command(
                "schedule",
                "help.session.schedule",
                {"fr": ("planifier", "programmer")},
                MODERATOR,
                (
                    Arg("date", ArgType.WORD, max_length=20),
                    Arg("time", ArgType.WORD, max_length=10),
                    Arg("duration", ArgType.MINUTES, required=False, minimum=15, maximum=240),
                    Arg(
                        "repeat",
                        ArgType.CHOICE,
                        required=False,
                        choices=("weekly", "biweekly", "monthly"),
                        aliases=RECURRENCE_WORDS,
                    ),
                    Arg("title", ArgType.TEXT, required=False, max_length=200),
                ),
                schedule.schedule,
            ),
            Command(
                "cancel",
                "help.session.cancel",
                {"fr": ("annuler",)},
                MODERATOR,
                (
                    SESSION_ID,
                    Arg(
                        "scope",
                        ArgType.CHOICE,
                        required=False,
                        choices=("all",),
                        aliases={"tout": "all", "toutes": "all", "serie": "all", "series": "all"},
                    ),
                ),
                schedule.cancel,
            ),
            Command(
                "calendar",
                "help.session.calendar",
                {"fr": ("calendrier", "agenda")},
                MODERATOR,
                handler=schedule.ics,
            ),
        ),
    ),
    Command(
        "stick",
        "help.stick",
        {"fr": ("bâton",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                "next",
                "help.stick.next",
                {"fr": ("suivant",)},
                permission=MODERATOR,
                args=(Arg("member", ArgType.MEMBER, required=False),),
                handler=stick.next_,
            ),
            Command(
                "give", "help.stick.give", {"fr": ("donner",)}, MODERATOR, (MEMBER,), stick.give
            ),
            Command(
                "skip", "help.stick.skip", {"fr": ("sauter",)}, MODERATOR, (MEMBER,), stick.skip
            ),
            Command(
                "remove",
                "help.stick.remove",
                {"fr": ("retirer",)},
                MODERATOR,
                (MEMBER,),
                stick.remove,
            ),
            Command(
                "move",
                "help.stick.move",
                {"fr": ("déplacer",)},
                MODERATOR,
                (MEMBER, Arg("position", ArgType.INT, minimum=1, maximum=500)),
                stick.move,
            ),
            Command(
                "clear", "help.stick.clear", {"fr": ("vider",)}, MODERATOR, handler=stick.clear
            ),
            Command(
                "round", "help.stick.round", {"fr": ("tour",)}, MODERATOR, handler=stick.round_
            ),
            Command(
                "timer",
                "help.stick.timer",
                {"fr": ("minuteur",)},
                MODERATOR,
                (Arg("minutes", ArgType.WORD),),
                stick.timer,
            ),
        ),
    ),
    Command(
        "group",
        "help.group",
        {"fr": ("groupe",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                "set",
                "help.group.set",
                {"fr": ("régler", "définir")},
                MODERATOR,
                (
                    Arg(
                        "key",
                        ArgType.CHOICE,
                        choices=group.SETTING_KEYS,
                        aliases=group.SETTING_ALIASES,
                    ),
                    Arg("value", ArgType.TEXT),
                ),
                group.set_,
            ),
            Command(
                "show",
                "help.group.show",
                {"fr": ("afficher", "voir")},
                MODERATOR,
                handler=group.show,
            ),
        ),
    ),
)

REGISTRY = Registry(COMMANDS)
