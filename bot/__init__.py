"""Cercle's platform-neutral core.

Nothing in this package knows Discord, Matrix, a database or a scheduler: it holds the domain,
the command registry, the handlers, the ports the outside world implements and the message
catalogs.  Adapters call :class:`bot.app.Cercle`; storage implements :mod:`bot.ports`.
"""
