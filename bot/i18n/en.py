"""English messages.  Keep the tone gentle: people here are often going through a hard time."""

MESSAGES: dict[str, str] = {
    # formats
    "format.datetime": "EEEE d MMMM y 'at' HH:mm",
    "format.minutes": "{n} min",
    "format.hours": "{n} h",
    "format.hours_minutes": "{h} h {m}",
    "list.empty": "nobody",
    "value.yes": "yes",
    "value.no": "no",
    "choice.agree": "I agree",
    # argument names (usage lines)
    "arg.command": "command",
    "arg.mode": "anon",
    "arg.state": "on|off",
    "arg.duration": "duration",
    "arg.minutes": "minutes",
    "arg.member": "member",
    "arg.position": "position",
    "arg.key": "setting",
    "arg.value": "value",
    # charter and welcome
    "charter.default": (
        "Confidentiality is our golden rule: what is said in the group stays in the group. "
        "We listen without judging, we speak for ourselves, at our own pace, and nobody has to "
        "speak. Silences are part of the exchange. If you feel moved, you can ask for a break "
        "at any time."
    ),
    "charter.default_label": "the default charter",
    "charter.reminder": "🤝 A reminder for all of us: {charter}",
    "charter.after_break": "🤝 Welcome back. A reminder for all of us: {charter}",
    "charter.show": "📜 Our charter: {charter}",
    "charter.accepted": "🤝 Thank you {member}, you have accepted the charter.",
    "charter.already_accepted": "You already accepted the charter ({when}). Thank you.",
    "welcome.newcomer": (
        "🌱 Welcome {member}. What is said here stays here; you may simply listen, and share "
        "only when and if you wish."
    ),
    "welcome.private": (
        "Welcome to the group. Before you take part, please read our charter: {charter}\n"
        "Reply with “agree” to accept it. You may also join as an observer (“observer on”)."
    ),
    # sessions
    "session.opened": (
        "🕯️ The session is open, for {duration} (until about {end}). Take your time; "
        "raise your hand with “hand” when you wish to speak."
    ),
    "session.break_started": "☕ Let's take a {minutes} break, until {until}. Drink some water.",
    "session.break_over": "🔔 The break is over. Welcome back.",
    "session.resumed": "🔔 We are resuming the session.",
    "session.closed": (
        "🌙 The session is closed after {duration}. {speakers} person(s) took the stick. "
        "Thank you all for your trust and your listening."
    ),
    "session.half_time": (
        "We are halfway through the session. It may be a good moment for a {minutes} break: "
        "“{command}”."
    ),
    # talking stick
    "stick.panel": "🎤 Speaking: {holder} · waiting: {queue}",
    "stick.panel_closed": "🎤 The talking stick is put away until the next session.",
    "stick.nobody": "nobody",
    "stick.hand_raised": "✋ {member} raised their hand (position {position}).",
    "stick.hand_lowered": "{member} lowered their hand.",
    "stick.turn_of": "🎤 {member} has the talking stick.",
    "stick.your_turn": "🎤 It's your turn. Take all the time you need; “pass” when you are done.",
    "stick.free": "The talking stick is free: raise your hand with “hand”.",
    "stick.passed": "{member} passed the stick. Thank you for sharing.",
    "stick.place_given_up": "{member} gave up their place in line.",
    "stick.queue": "🎤 Speaking: {holder} · waiting: {queue}",
    "stick.turn_ended": "Thank you {member}.",
    "stick.skipped": "{member} will speak a little later (moved to the end of the line).",
    "stick.removed": "{member} is no longer in the turn order.",
    "stick.moved": "{member} is now at position {position}.",
    "stick.cleared": "The line is empty now.",
    "stick.round": "🔄 A round, in this order: {members}. Anyone may pass.",
    "stick.timer_set": "⏳ Turn guideline: about {minutes}. It's only a gentle, private reminder.",
    "stick.timer_off": "⏳ No turn guideline any more.",
    "stick.nudge": (
        "⏳ A gentle note: you have held the stick for about {minutes}. There is no hurry; "
        "when you are ready, “pass” gives others their turn."
    ),
    # pauses
    "pause.requested": "☕ {member} would like a break. The moderators have been told.",
    "pause.requested_anonymous": "☕ A break was requested. The moderators have been told.",
    "pause.someone": "someone (anonymous)",
    "pause.moderators": "☕ Break requested by {member}. To start it: “{command}”.",
    "pause.thanks": (
        "Your request was passed on. It is normal to be moved: take your time, drink some water."
    ),
    # observers
    "observer.on": "👂 {member} is listening as an observer.",
    "observer.off": "{member} is no longer an observer and may take the stick.",
    # group settings
    "group.updated": "⚙️ Updated: {setting} → {value}",
    "group.show": (
        "⚙️ Group settings\n"
        "name: {name}\nneed: {need}\nlanguage: {language}\ntime zone: {timezone}\n"
        "accompanying persons: {accompanying}\nreminders before a session: {reminders}\n"
        "session length: {duration}\nbreak length: {break}\n"
        "first-time speakers first: {first_speakers_first}\n"
        "charter required to speak: {charter_required}\n"
        "listed in the directory: {directory}\ncountry (crisis lines): {country}\n"
        "charter: {charter}"
    ),
    "setting.name": "name",
    "setting.need": "need",
    "setting.language": "language",
    "setting.timezone": "time zone",
    "setting.charter": "charter",
    "setting.accompanying": "accompanying persons",
    "setting.reminders": "reminders",
    "setting.duration": "session length",
    "setting.break": "break length",
    "setting.first-speakers-first": "first-time speakers first",
    "setting.charter-required": "charter required to speak",
    "setting.country": "country (crisis lines)",
    "setting.country_auto": "{country}, from the time zone",
    "setting.country_unknown": "unknown (the time zone names no country)",
    "need.grief": "grief",
    "need.illness": "illness",
    "need.separation": "separation",
    "need.other": "other",
    "language.fr": "French",
    "language.en": "English",
    "accompanying.welcome": "welcome",
    "accompanying.not-admitted": "not admitted",
    "accompanying.ask": "ask the moderators",
    # help
    "help.overview": "Here is what I can do:\n{commands}",
    "help.command": "{command}: {description}\n{details}",
    "help.moderator_marker": " (moderators)",
    "help.help": "list the commands, or explain one",
    "help.rules": "show the group's charter",
    "help.agree": "accept the charter",
    "help.hand": "raise your hand to speak",
    "help.lower": "lower your hand",
    "help.pass": "pass the stick, or give up your place in line",
    "help.queue": "show who speaks and who is waiting",
    "help.pause": "ask for a break (add “anon” to stay anonymous)",
    "help.observer": "listen as an observer, never put in the turn order",
    "help.session": "open, pause, resume and close a session",
    "help.session.start": "open a session now (default length from the group settings)",
    "help.session.break": "start a break (default length from the group settings)",
    "help.session.resume": "end the break now",
    "help.session.end": "close the session",
    "help.stick": "manage the talking stick",
    "help.stick.next": "end the current turn (naming the holder avoids skipping someone)",
    "help.stick.give": "give the stick to a member",
    "help.stick.skip": "move a member to the end of the line",
    "help.stick.remove": "take a member out of the line",
    "help.stick.move": "move a member to a position in the line",
    "help.stick.clear": "empty the line",
    "help.stick.round": "a round: queue every participant present",
    "help.stick.timer": "a gentle, private turn guideline in minutes, or “off”",
    "help.group": "the group's settings",
    "help.group.set": "change a setting",
    "help.group.show": "show the settings",
    # errors
    "error.internal": (
        "Sorry, something went wrong on my side. Nothing was changed; please try again in a moment."
    ),
    "error.empty_command": "I did not receive a command. “help” lists them.",
    "error.unknown_command": "I don't know the command “{command}”. Did you mean: {suggestions}? “help” lists them all.",
    "error.unknown_command_no_suggestion": "I don't know the command “{command}”. “help” lists them all.",
    "error.unknown_subcommand": "“{command}” has no “{word}”. Possible: {choices}.",
    "error.missing_subcommand": "What should I do? Usage: {usage}",
    "error.missing_argument": "Something is missing: {argument}. Usage: {usage}",
    "error.too_many_arguments": "I did not expect “{extra}”. Usage: {usage}",
    "error.bad_choice": "“{value}” is not possible for {argument}: choose {choices}. Usage: {usage}",
    "error.bad_int": "{argument} should be a whole number, not “{value}”. Usage: {usage}",
    "error.bad_minutes": (
        "{argument} should be a length such as 90, 90m or 1h30, not “{value}”. Usage: {usage}"
    ),
    "error.int_out_of_range": "{argument} should be between {min} and {max}. Usage: {usage}",
    "error.minutes_out_of_range": (
        "{argument} should be between {min} and {max} minutes. Usage: {usage}"
    ),
    "error.text_too_long": "{argument} is too long (at most {max} characters).",
    "error.too_long": "This message is too long for a command ({length} characters, at most {max}).",
    "error.control_characters": (
        "Your command contains invisible control characters. Please type it again."
    ),
    "error.bad_timer": "The turn guideline should be 1 to 60 minutes, or “off” (not “{value}”).",
    "error.moderators_only": "Only the moderators can use “{command}”.",
    "error.no_open_session": "No session is open at the moment.",
    "error.session_already_open": "A session is already open.",
    "error.session_not_scheduled": "This session cannot be opened any more.",
    "error.already_on_break": "We are already on a break.",
    "error.not_on_break": "We are not on a break.",
    "error.already_holder": "You already have the stick. Take your time.",
    "error.already_queued": "Your hand is already raised (position {position}).",
    "error.not_queued": "Your hand is not raised.",
    "error.nothing_to_pass": "You neither hold the stick nor wait in line.",
    "error.nobody_holds_stick": "Nobody holds the stick at the moment.",
    "error.already_holds": "They already hold the stick.",
    "error.member_not_in_line": "{member} is neither speaking nor waiting in line.",
    "error.member_not_queued": "{member} is not waiting in line.",
    "error.stale_next": ("{holder} has the stick now, not {member}: nothing was changed."),
    "error.next_too_soon": (
        "{holder} has only just received the stick, so I did not end their turn. "
        "If you really mean to, name them: “stick next {holder}”."
    ),
    "error.observer_no_stick": (
        "You are listening as an observer. “observer off” if you would like to speak."
    ),
    "error.member_is_observer": "{member} is an observer and is never put in the turn order.",
    "error.charter_first": (
        "Before taking the stick, please read the charter (“rules”) and accept it (“agree”)."
    ),
    "error.member_charter_first": "{member} has not accepted the charter yet.",
    "error.observer_already_on": "You are already an observer.",
    "error.observer_already_off": "You are not an observer.",
    "error.round_nobody": "Nobody else present can be added to the round.",
    "error.member_not_found": "I don't know any member called “{name}” in this group.",
    "error.member_ambiguous": "Several members match “{name}”: {matches}. Please be more precise.",
    "error.setting.name": "The name should have 1 to 100 characters.",
    "error.setting.need": "The need should be grief, illness, separation or other (not “{value}”).",
    "error.setting.language": "The language should be fr or en, optionally with a region such as en-US or fr-CA (not “{value}”).",
    "error.setting.country": "The country is written as its two-letter code, such as GB, US, CA, or its name, or “auto” to follow the time zone (not “{value}”).",
    "error.setting.timezone": (
        "“{value}” is not a time zone I know. Use a name such as Europe/Paris. Close: {suggestions}."
    ),
    "error.setting.timezone_unknown": "“{value}” is not a time zone I know. Use a name such as Europe/Paris or America/Montreal.",
    "error.setting.charter": "The charter should be at least 10 characters long, or “default”.",
    "error.setting.accompanying": (
        "Accompanying persons should be welcome, not-admitted or ask (not “{value}”)."
    ),
    "error.setting.reminders": (
        "Reminders should be one to five lengths before the session, such as “24h 15m”, or “off”."
    ),
    "error.setting.duration": "The session length should be between {min} and {max} (not “{value}”).",
    "error.setting.break": "The break length should be between {min} and {max} (not “{value}”).",
    "error.setting.first-speakers-first": "Please answer on or off (not “{value}”).",
    "error.setting.charter-required": "Please answer on or off (not “{value}”).",
    # scheduling and reminders
    "arg.date": "YYYY-MM-DD",
    "arg.time": "HH:MM",
    "arg.repeat": "weekly|biweekly|monthly",
    "arg.title": "title",
    "arg.id": "number",
    "arg.scope": "all",
    "help.sessions": "the coming sessions, in the group's time zone",
    "help.remind": "reminders of sessions by direct message for you: on or off",
    "help.session.schedule": "plan a session, once or weekly/biweekly/monthly, with an optional title",
    "help.session.cancel": "cancel a planned session by its number (add “all” for its whole series)",
    "help.session.calendar": "the group's sessions as a calendar file (.ics)",
    "schedule.once": "📅 Session #{id} planned for {when} ({duration}).",
    "schedule.series": "📅 Sessions planned {repeat}, from {when} ({duration}); the first is #{id}.",
    "repeat.weekly": "every week",
    "repeat.biweekly": "every two weeks",
    "repeat.monthly": "every month",
    "cancel.once": "The session of {when} is cancelled.",
    "cancel.series": "The series is cancelled ({count} coming session(s)).",
    "sessions.none": "No session is planned for now.",
    "sessions.list": "📅 Coming sessions:\n{lines}",
    "sessions.now": "now",
    "calendar.ready": "📅 Here is the calendar of the group's sessions ({count} planned), to import into your calendar app.",
    "remind.on": "⏰ You will get a direct message before each session.",
    "remind.off": "You will no longer get direct messages before sessions.",
    "reminder.room": "⏰ Reminder: our next session starts in {left} ({when}). You are welcome as you are.",
    "reminder.room_titled": "⏰ Reminder: our next session, “{title}”, starts in {left} ({when}). You are welcome as you are.",
    "reminder.private": "⏰ The group meets in {left} ({when}). Take care of yourself until then.",
    "session.opened_title": "🕯️ {title}",
    "session.not_opened_busy": "The session planned for {when} could not open by itself: another session is still open. Close it (“session end”) and open the new one (“session start”).",
    "error.bad_date": "“{value}” is not a date I can read: write it like 2026-12-01.",
    "error.bad_time": "“{value}” is not a time I can read: write it like 19:30.",
    "error.impossible_date": "“{value}” does not exist in the calendar. Please check the day and month.",
    "error.time_in_gap": "{wanted} does not exist in {timezone}: the clocks go forward that night. The next valid time is {next}.",
    "error.date_in_past": "{when} has already passed. Please choose a time to come.",
    "error.session_not_found": "There is no session #{id} in this group. “sessions” lists them.",
    "error.not_a_series": "Session #{id} is not part of a series: cancel it on its own.",
    # care features: themes
    "arg.text": "text",
    "arg.session": "session number",
    "arg.which": "number|all",
    "arg.confirm": "confirm",
    "help.theme": "themes for coming sessions: propose, list, vote",
    "help.theme.propose": "propose a theme for a coming session",
    "help.theme.list": "the proposed themes, with their votes",
    "help.theme.vote": "vote for a theme (once per theme)",
    "help.theme.unvote": "withdraw your vote for a theme",
    "help.theme.pick": "choose a theme for the next session (or the session with that number)",
    "theme.proposed": "💡 A theme was proposed for a coming session (#{id}): “{theme}”. To support it: “{command}”.",
    "theme.thanks": "Thank you for proposing theme #{id}. Your name is not shown with it.",
    "theme.none": "No theme has been proposed yet. You can suggest one: “{command} …”.",
    "theme.list": "💡 Proposed themes:\n{lines}",
    "theme.votes": "{n} vote(s)",
    "theme.your_vote": "your vote ✓",
    "theme.picked_for": "chosen for {when}",
    "theme.voted": "✓ Your vote for theme #{id} (“{theme}”) is counted.",
    "theme.unvoted": "Your vote for theme #{id} is withdrawn.",
    "theme.picked": "💡 The theme of the session of {when} will be: “{theme}”.",
    "theme.picked_now": "💡 Today's theme: “{theme}”.",
    "error.theme_too_short": "A theme needs at least {min} characters.",
    "error.theme_not_found": "There is no theme #{id} in this group. “{command}” shows them.",
    "error.theme_already_voted": "You already voted for theme #{id}. To withdraw your vote: “{command}”.",
    "error.theme_not_voted": "You had not voted for theme #{id}.",
    "error.theme_no_session": "No session is planned yet to give this theme to. Plan one first: “{command}”.",
    "error.theme_session_over": "Session #{id} is over or cancelled: choose a coming session.",
    # care features: journal
    "help.journal": "your private journal: only you can read it",
    "help.journal.add": "write a note in your journal (privately)",
    "help.journal.list": "read your notes (privately)",
    "help.journal.export": "your notes as a file",
    "help.journal.delete": "delete a note by its number, or “all”",
    "help.journal.prompt": "an invitation to write after each session: on or off",
    "journal.added": "📓 Note #{number} is in your journal. Only you can read it.",
    "journal.typed_in_room": "Note that what you type in the group's room can be seen there. To keep a note fully private, write it to me in a private message.",
    "journal.empty": "Your journal is empty. To write a note: “{command} …”.",
    "journal.list": "📓 Your journal (only you can see this):\n{lines}",
    "journal.export_title": "My journal",
    "journal.exported": "📓 Here are your {count} note(s), as a file only you receive.",
    "journal.deleted": "Note #{number} is deleted.",
    "journal.deleted_all": "Your journal is empty now ({count} note(s) deleted).",
    "journal.prompt_on": "📓 After each session, I will invite you to note your impressions, privately.",
    "journal.prompt_off": "I will no longer invite you to write after sessions.",
    "journal.prompt": "🌙 The session is over. If you wish, you can note your impressions in your private journal: “{command} …”. Only you will read them.",
    "error.journal_empty": "Your note is empty. Write it after the command: “journal add …”.",
    "error.journal_which": "Give the number of a note (see “journal list”), or “all” (not “{value}”).",
    "error.journal_not_found": "You have no note #{number}. “{command}” shows your notes.",
    # care features: directory and resources
    "help.groups": "the groups on this server, to find one that fits you",
    "help.resources": "where to find help at any hour (crisis lines)",
    "directory.empty": "No group is listed in the directory yet. A group's moderators can list theirs: “{command}”.",
    "directory.list": "🧭 Groups you can join:\n\n{entries}\n\n{join}",
    "directory.entry": "• {name} — {need}, in {lang}\n  next session: {next}\n  accompanying persons: {accompanying}\n  where: {place}",
    "directory.no_session": "none planned yet",
    "directory.how_to_join": "To join, go to the group's room and type “{agree}” to accept its charter. You may first simply listen as an observer (“{observer}”), and raise your hand (“{hand}”) whenever you wish to speak.",
    "resources.list": "🫶 If you are going through a very hard time, you can call, at any hour:\n{lines}\nI am a bot: I am not a therapist and I cannot replace professional help. If you are in danger, call {emergency} now.",
    "resources.unknown": "🫶 If you are going through a very hard time, you deserve to be heard and helped. I don't know the crisis lines of this country{country} yet; the moderators can have them added to the bot's configuration (the [resources] section, per country).\nI am a bot: I am not a therapist and I cannot replace professional help. If you are in danger, call {emergency} now.",
    # care features: my data, forget me
    "help.my-data": "everything I keep about you, as a file",
    "help.forget-me": "erase everything I keep about you (asks for confirmation)",
    "privacy.my_data": "🔐 Here is everything I keep about you ({groups} group(s), {notes} journal note(s)). To erase it all: “{command}”.",
    "privacy.forget_confirm": "This will erase everything I keep about you on this platform, in every group: memberships, places in line, votes, your themes (kept without your name if others voted for them), your journal and your reminder choices. It cannot be undone. To confirm: “{command}”.",
    "privacy.forgotten": "🕊️ Done: I no longer keep anything about you. Take care of yourself.",
    # care features: accompanying persons
    "help.accompanying": "attend as an accompanying person (a relative, a carer), if the group allows it",
    "help.accompanying.on": "ask to attend as an accompanying person",
    "help.accompanying.off": "no longer attend as an accompanying person",
    "help.accompanying.admit": "admit a member who asked to attend as an accompanying person",
    "help.accompanying.decline": "decline a member's request to attend as an accompanying person",
    "choice.admit": "Admit",
    "choice.decline": "Decline",
    "accompanying.ask_moderators": "{member} asks to attend as an accompanying person. To admit: “{admit}”; to decline: “{decline}”.",
    "accompanying.asked": "Your request is with the group's moderators; you will hear from them privately.",
    "accompanying.joined": "🌿 {member} joins us as an accompanying person. Welcome.",
    "accompanying.admitted": "🌿 The moderators welcome you as an accompanying person.",
    "accompanying.declined": "The moderators could not welcome an accompanying person this time. You remain welcome to take part in your own name.",
    "accompanying.declined_done": "{member} was told, privately and kindly.",
    "accompanying.off": "You are no longer attending as an accompanying person.",
    "error.accompanying_already": "You already attend as an accompanying person.",
    "error.accompanying_not_admitted": "This group does not admit accompanying persons. You are welcome to take part in your own name.",
    "error.accompanying_pending": "Your request is already with the moderators.",
    "error.accompanying_not": "You are not attending as an accompanying person.",
    "error.accompanying_no_request": "{member} has not asked to attend as an accompanying person.",
    "setting.directory": "listed in the directory",
    "error.setting.directory": "Please answer on or off (not “{value}”).",
    "group.timezone_moved": "🕰️ {count} planned session(s) of the recurring series keep their local time, now in {timezone}; one-off sessions keep their moment. “sessions” shows them.",
}
