"""Every command Cercle understands, declared once.  Adapters render these (slash commands,
``!`` parsing, the console) and ``cercle commands --markdown`` documents them."""

from __future__ import annotations

from bot.commands.arguments import Arg, ArgType
from bot.commands.parser import Registry
from bot.commands.spec import Command, Permission
from bot.handlers import (
    accompanying,
    charter,
    concern,
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

COMMANDS: tuple[Command, ...] = (
    Command(
        name="help",
        help_key="help.help",
        aliases={"fr": ("aide",)},
        args=(Arg("command", ArgType.TEXT, required=False, max_length=100),),
        handler=help.help_,
        enrols=False,
    ),
    Command(
        name="rules",
        help_key="help.rules",
        aliases={"fr": ("charte", "règles")},
        handler=charter.rules,
        enrols=False,
    ),
    Command(
        name="agree",
        help_key="help.agree",
        aliases={"fr": ("accepte", "accepter")},
        handler=charter.agree,
    ),
    Command(
        name="hand", help_key="help.hand", aliases={"fr": ("main", "parole")}, handler=stick.hand
    ),
    Command(name="lower", help_key="help.lower", aliases={"fr": ("baisser",)}, handler=stick.lower),
    Command(
        name="pass", help_key="help.pass", aliases={"fr": ("passe", "passer")}, handler=stick.pass_
    ),
    Command(
        name="queue",
        help_key="help.queue",
        aliases={"fr": ("file", "attente")},
        handler=stick.show_queue,
        enrols=False,
    ),
    Command(
        name="pause",
        help_key="help.pause",
        aliases={"fr": ("pause",)},
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
        name="concern",
        help_key="help.concern",
        aliases={"fr": ("inquiet", "inquiète", "inquiete", "inquiétude")},
        args=(
            Arg(
                "mode",
                ArgType.CHOICE,
                required=False,
                choices=("anon",),
                aliases={"anonyme": "anon", "anonymous": "anon"},
            ),
            Arg("member", ArgType.MEMBER, required=False),
        ),
        handler=concern.concern,
        discreet=True,
        enrols=False,
    ),
    Command(
        name="observer",
        help_key="help.observer",
        aliases={"fr": ("observateur", "observatrice")},
        args=(ON_OFF,),
        handler=observer.observer,
    ),
    Command(
        name="accompanying",
        help_key="help.accompanying",
        aliases={"fr": ("accompagnant", "accompagnante")},
        subcommands=(
            Command(
                name="on",
                help_key="help.accompanying.on",
                aliases={"fr": ("oui",)},
                handler=accompanying.on,
            ),
            Command(
                name="off",
                help_key="help.accompanying.off",
                aliases={"fr": ("non",)},
                handler=accompanying.off,
            ),
            Command(
                name="admit",
                help_key="help.accompanying.admit",
                aliases={"fr": ("admettre",)},
                permission=MODERATOR,
                args=(MEMBER,),
                handler=accompanying.admit,
            ),
            Command(
                name="decline",
                help_key="help.accompanying.decline",
                aliases={"fr": ("refuser",)},
                permission=MODERATOR,
                args=(MEMBER,),
                handler=accompanying.decline,
            ),
        ),
    ),
    Command(
        name="sessions",
        help_key="help.sessions",
        aliases={"fr": ("séances",)},
        handler=schedule.upcoming,
        enrols=False,
    ),
    Command(
        name="remind",
        help_key="help.remind",
        aliases={"fr": ("rappels", "rappel")},
        handler=schedule.remind,
    ),
    Command(
        name="theme",
        help_key="help.theme",
        aliases={"fr": ("thème",)},
        subcommands=(
            Command(
                name="propose",
                help_key="help.theme.propose",
                aliases={"fr": ("proposer",)},
                handler=themes.propose,
            ),
            Command(
                name="list",
                help_key="help.theme.list",
                aliases={"fr": ("liste",)},
                handler=themes.list_,
                enrols=False,
            ),
            Command(
                name="vote",
                help_key="help.theme.vote",
                aliases={"fr": ("voter",)},
                handler=themes.vote,
            ),
            Command(
                name="unvote",
                help_key="help.theme.unvote",
                aliases={"fr": ("retirer", "dévoter")},
                handler=themes.unvote,
            ),
            Command(
                name="pick",
                help_key="help.theme.pick",
                aliases={"fr": ("choisir",)},
                permission=MODERATOR,
                handler=themes.pick,
            ),
        ),
    ),
    Command(
        name="journal",
        help_key="help.journal",
        aliases={"fr": ("journal", "carnet")},
        subcommands=(
            Command(
                name="add",
                help_key="help.journal.add",
                aliases={"fr": ("ajouter", "écrire")},
                handler=journal.add,
                enrols=False,
            ),
            Command(
                name="list",
                help_key="help.journal.list",
                aliases={"fr": ("liste", "lire")},
                handler=journal.list_,
                enrols=False,
            ),
            Command(
                name="export",
                help_key="help.journal.export",
                aliases={"fr": ("exporter",)},
                handler=journal.export,
                enrols=False,
            ),
            Command(
                name="delete",
                help_key="help.journal.delete",
                aliases={"fr": ("supprimer", "effacer")},
                handler=journal.delete,
                enrols=False,
            ),
            Command(
                name="prompt",
                help_key="help.journal.prompt",
                aliases={"fr": ("invitation",)},
                handler=journal.prompt,
            ),
        ),
    ),
    Command(
        name="groups",
        help_key="help.groups",
        aliases={"fr": ("groupes",)},
        handler=directory.groups,
        enrols=False,
    ),
    Command(
        name="resources",
        help_key="help.resources",
        aliases={"fr": ("ressources", "urgence")},
        handler=directory.resources,
        enrols=False,
    ),
    Command(
        name="my-data",
        help_key="help.my-data",
        aliases={"fr": ("mes-données",)},
        handler=privacy.my_data,
        discreet=True,
        enrols=False,
    ),
    Command(
        name="forget-me",
        help_key="help.forget-me",
        aliases={"fr": ("oublie-moi", "oubliez-moi")},
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
        discreet=True,
        enrols=False,
    ),
    Command(
        name="session",
        help_key="help.session",
        aliases={"fr": ("séance",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                name="start",
                help_key="help.session.start",
                aliases={"fr": ("ouvrir", "commencer", "début")},
                permission=MODERATOR,
                handler=session.start,
            ),
            Command(
                name="break",
                help_key="help.session.break",
                aliases={"fr": ("pause",)},
                permission=MODERATOR,
                handler=session.take_break,
            ),
            Command(
                name="resume",
                help_key="help.session.resume",
                aliases={"fr": ("reprendre", "reprise")},
                permission=MODERATOR,
                handler=session.resume,
            ),
            Command(
                name="end",
                help_key="help.session.end",
                aliases={"fr": ("clore", "fin", "terminer")},
                permission=MODERATOR,
                handler=session.end,
            ),
            Command(
                name="schedule",
                help_key="help.session.schedule",
                aliases={"fr": ("planifier", "programmer")},
                permission=MODERATOR,
                handler=schedule.schedule,
            ),
            Command(
                name="cancel",
                help_key="help.session.cancel",
                aliases={"fr": ("annuler",)},
                permission=MODERATOR,
                handler=schedule.cancel,
            ),
            Command(
                name="calendar",
                help_key="help.session.calendar",
                aliases={"fr": ("calendrier", "agenda")},
                permission=MODERATOR,
                handler=schedule.ics,
            ),
        ),
    ),
    Command(
        name="stick",
        help_key="help.stick",
        aliases={"fr": ("bâton",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                name="next",
                help_key="help.stick.next",
                aliases={"fr": ("suivant",)},
                permission=MODERATOR,
                handler=stick.next_,
            ),
            Command(
                name="give",
                help_key="help.stick.give",
                aliases={"fr": ("donner",)},
                permission=MODERATOR,
                handler=stick.give,
            ),
            Command(
                name="skip",
                help_key="help.stick.skip",
                aliases={"fr": ("sauter",)},
                permission=MODERATOR,
                handler=stick.skip,
            ),
            Command(
                name="remove",
                help_key="help.stick.remove",
                aliases={"fr": ("retirer",)},
                permission=MODERATOR,
                handler=stick.remove,
            ),
            Command(
                name="move",
                help_key="help.stick.move",
                aliases={"fr": ("déplacer",)},
                permission=MODERATOR,
                handler=stick.move,
            ),
            Command(
                name="clear",
                help_key="help.stick.clear",
                aliases={"fr": ("vider",)},
                permission=MODERATOR,
                handler=stick.clear,
            ),
            Command(
                name="round",
                help_key="help.stick.round",
                aliases={"fr": ("tour",)},
                permission=MODERATOR,
                handler=stick.round_,
            ),
            Command(
                name="timer",
                help_key="help.stick.timer",
                aliases={"fr": ("minuteur",)},
                permission=MODERATOR,
                handler=stick.timer,
            ),
        ),
    ),
    Command(
        name="group",
        help_key="help.group",
        aliases={"fr": ("groupe",)},
        permission=MODERATOR,
        subcommands=(
            Command(
                name="set",
                help_key="help.group.set",
                aliases={"fr": ("régler", "définir")},
                permission=MODERATOR,
                args=(
                    Arg(
                        "key",
                        ArgType.CHOICE,
                        choices=group.SETTING_KEYS,
                        aliases=group.SETTING_ALIASES,
                    ),
                    Arg("value", ArgType.TEXT),
                ),
                handler=group.set_,
            ),
            Command(
                name="show",
                help_key="help.group.show",
                aliases={"fr": ("afficher", "voir")},
                permission=MODERATOR,
                handler=group.show,
            ),
        ),
    ),
)

REGISTRY = Registry(COMMANDS)
