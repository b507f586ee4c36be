"""Command handlers: each takes a :class:`~bot.commands.context.Context` and parsed arguments and
returns replies as data.  They raise :mod:`bot.errors` for anything the person can fix."""
