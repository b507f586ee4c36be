"""The ``cercle`` command.

::

    cercle console [--script FILE] [--db PATH] [--config FILE]
    cercle db upgrade [--config FILE | --db PATH]
    cercle db backup [--config FILE | --db PATH] DEST
    cercle db restore [--config FILE | --db PATH] [--force] SOURCE
    cercle discord invite-url --client-id ID [--config FILE] [--voice-mode]
    cercle check-config --config FILE
    cercle --version
    cercle commands [--markdown] [--language en|fr]

Exit status: 0 when all went well, 2 for something to fix in the command line, the
configuration or the script (the message on stderr says what and where), 1 when the database
or the bot itself failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy.engine import make_url

from adapters.backup import BackupError
from adapters.config import Config, ConfigError, load_config
from adapters.console.script import ScriptError
from adapters.startup import configure_logging
from storage.errors import DatabaseError

PROG = "cercle"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

log = logging.getLogger("cercle.cli")


def sqlite_url(path: str) -> str:
    """``--db PATH`` as a database URL (relative paths are from the working directory)."""
    return f"sqlite+aiosqlite:///{Path(path).expanduser().resolve()}"


def shown_url(url: str) -> str:
    """A database URL fit for a terminal: never its password."""
    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Cercle: a gentle bot for peer-support groups (Discord, Matrix, console).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {cercle_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    console = commands.add_parser(
        "console",
        help="the whole bot in this terminal (one pretend room, SQLite, no account)",
        description=(
            "Interactive: type commands; /as NAME speaks as NAME, /moderator NAME makes NAME a "
            "moderator, /quit leaves. With --script, replay FILE on a virtual clock and print "
            "the transcript."
        ),
    )
    console.add_argument("--script", metavar="FILE", type=Path, help="replay this script")
    console.add_argument(
        "--db", metavar="PATH", help="SQLite file (default: the configuration's, else cercle.db)"
    )
    console.add_argument("--config", metavar="FILE", type=Path, help="a TOML configuration")

    run = commands.add_parser(
        "run",
        help="run every platform enabled in the configuration (Matrix, Discord)",
        description="Runs until SIGTERM or SIGINT, then disconnects cleanly.",
    )
    run.add_argument(
        "--config", metavar="FILE", type=Path, required=True, help="a TOML configuration"
    )
    run.set_defaults(db=None)

    check = commands.add_parser(
        "check-config",
        help="check a configuration before 'cercle run' (exit 1 when something is to fix)",
        description=(
            "A checklist: the file, the database, the journal key, the secrets of each enabled "
            "platform, and (unless --offline) whether the homeserver and Discord take them. "
            "Changes nothing."
        ),
    )
    check.add_argument(
        "--config", metavar="FILE", type=Path, required=True, help="a TOML configuration"
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="do not ask the homeserver or Discord whether they take the bot's secret",
    )
    check.set_defaults(db=None)

    database = commands.add_parser("db", help="database maintenance")
    db_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser(
        "upgrade", help="create the database or migrate it to the latest schema"
    )
    _add_where(upgrade)
    backup = db_commands.add_parser(
        "backup",
        help="copy the database, its journal key and the Matrix store into a new folder",
        description=(
            "A consistent copy of a SQLite database, safe while the bot runs (sqlite3's online "
            "backup), with the journal key (mode 0600) and the Matrix store. PostgreSQL: use "
            "pg_dump (see the README)."
        ),
    )
    _add_where(backup)
    backup.add_argument("destination", metavar="DEST", type=Path, help="a new or empty folder")
    restore = db_commands.add_parser(
        "restore",
        help="put a backup made by 'cercle db backup' back in place (stop the bot first)",
    )
    _add_where(restore)
    restore.add_argument("source", metavar="SOURCE", type=Path, help="the backup folder")
    restore.add_argument(
        "--force", action="store_true", help="replace an existing database and journal key"
    )

    discord = commands.add_parser("discord", help="Discord set-up helpers")
    discord_commands = discord.add_subparsers(
        dest="discord_command", required=True, metavar="ACTION"
    )
    invite = discord_commands.add_parser(
        "invite-url",
        help="the link that adds the bot to a server with exactly the permissions it needs",
        description=(
            "Prints the OAuth2 link (scopes bot and applications.commands) with the permission "
            "integer the enabled features need; Mute Members only with voice mode."
        ),
    )
    invite.add_argument(
        "--client-id",
        metavar="ID",
        type=int,
        required=True,
        help="the application id (Developer Portal, General Information)",
    )
    invite.add_argument("--config", metavar="FILE", type=Path, help="a TOML configuration")
    invite.add_argument(
        "--voice-mode", action="store_true", help="include Mute Members (as [discord] voice_mode)"
    )
    invite.set_defaults(db=None)

    _add_matrix_commands(commands)

    reference = commands.add_parser(
        "commands", help="print the command reference (from the command registry)"
    )
    reference.add_argument(
        "--markdown", action="store_true", help="a Markdown table, for the README"
    )
    reference.add_argument("--language", choices=("en", "fr"), default="en")
    return parser


def _add_matrix_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    matrix = commands.add_parser("matrix", help="Matrix helpers")
    actions = matrix.add_subparsers(dest="matrix_command", required=True, metavar="ACTION")
    status = actions.add_parser(
        "status", help="the bot's device and whether its account has cross-signed it"
    )
    status.add_argument("--config", metavar="FILE", type=Path, help="a TOML configuration")
    status.set_defaults(db=None)


def _matrix_status(config: Config) -> int:
    from adapters.matrix.login import MatrixLoginError
    from adapters.matrix.status import matrix_status

    try:
        signed, lines = asyncio.run(matrix_status(config.matrix, os.environ))
    except MatrixLoginError as error:
        return _fail(str(error), EXIT_FAILED)
    print("\n".join(lines))
    return EXIT_OK if signed else EXIT_FAILED


def _add_where(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--config", metavar="FILE", type=Path, help="a TOML configuration")
    where.add_argument("--db", metavar="PATH", help="a SQLite file (default: cercle.db)")


def cercle_version() -> str:
    try:
        return version(PROG)
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "commands":
            return _commands(args)
        config = _config(args)
        if args.command == "db":
            return _db(args, config)
        if args.command == "check-config":
            return _check_config(config, network=not args.offline)
        if args.command == "discord":
            return _discord_invite(args, config)
        if args.command == "matrix":
            return _matrix_status(config)
        if args.command == "run":
            return _run(config)
        return _console(args, config)
    except (ConfigError, ScriptError) as error:
        return _fail(str(error), EXIT_USAGE)
    except BackupError as error:
        return _fail(str(error), EXIT_FAILED)
    except DatabaseError as error:
        return _fail(str(error), EXIT_FAILED)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _fail(message: str, status: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    if args.db is not None:
        config = config.with_database(sqlite_url(args.db))
    level = config.bot.log_level or "WARNING"
    configure_logging(
        level, log_format=config.bot.log_format, library_level=config.bot.library_log_level
    )
    return config


def _commands(args: argparse.Namespace) -> int:
    from adapters.reference import commands_markdown, commands_text

    render = commands_markdown if args.markdown else commands_text
    sys.stdout.write(render(args.language))
    return EXIT_OK


def _check_config(config: Config, *, network: bool) -> int:
    from adapters.check import checklist

    checks = asyncio.run(checklist(config, network=network))
    for check in checks:
        print(check.line())
    return EXIT_OK if all(check.ok for check in checks) else EXIT_FAILED


def _discord_invite(args: argparse.Namespace, config: Config) -> int:
    from adapters.discord.invite import invite_url

    voice_mode = args.voice_mode or config.discord.voice_mode
    print(invite_url(args.client_id, voice_mode=voice_mode))
    return EXIT_OK


def _db(args: argparse.Namespace, config: Config) -> int:
    from adapters.backup import backup, restore

    if args.db_command == "backup":
        written = backup(config, args.destination)
    elif args.db_command == "restore":
        written = restore(config, args.source, force=args.force)
    else:
        return _db_upgrade(config)
    for path in written:
        print(path)
    return EXIT_OK


def _db_upgrade(config: Config) -> int:
    from adapters.startup import upgrade_database

    url = shown_url(config.bot.database_url)
    try:
        revision = asyncio.run(upgrade_database(config))
    except DatabaseError:
        raise
    except Exception as error:
        log.debug("upgrade failed", exc_info=True)
        return _fail(f"could not upgrade {url}: {type(error).__name__}: {error}", EXIT_FAILED)
    print(f"{url} is at revision {revision}.")
    return EXIT_OK


def _run(config: Config) -> int:
    from adapters.platform import PermanentFailure
    from adapters.serve import serve

    configure_logging(
        config.bot.log_level or "INFO",
        log_format=config.bot.log_format,
        library_level=config.bot.library_log_level,
    )
    try:
        asyncio.run(serve(config))
    except (ConfigError, DatabaseError):
        raise
    except PermanentFailure as failure:
        return _fail(str(failure), EXIT_FAILED)
    except Exception as error:
        log.debug("the bot stopped", exc_info=True)
        return _fail(f"the bot stopped: {type(error).__name__}", EXIT_FAILED)
    return EXIT_OK


def _console(args: argparse.Namespace, config: Config) -> int:
    from adapters.console.main import ConsoleError, run_prompt, run_script

    try:
        if args.script is not None:
            asyncio.run(run_script(config, args.script))
        else:
            asyncio.run(run_prompt(config))
    except ConsoleError as error:
        return _fail(str(error), EXIT_USAGE)
    except (ConfigError, ScriptError, DatabaseError, KeyboardInterrupt):
        raise
    except Exception as error:
        log.debug("the console stopped", exc_info=True)
        return _fail(f"the console stopped: {type(error).__name__}: {error}", EXIT_FAILED)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
