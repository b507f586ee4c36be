"""The console adapter: one pretend room ("console") on SQLite, no account needed.

``cercle console`` is interactive (``/as NAME``, ``/moderator NAME``, ``/quit``);
``cercle console --script FILE`` replays a script on a virtual clock and prints the transcript.
"""
