"""Messages en français.  Un ton doux : les personnes ici traversent souvent un moment difficile."""

MESSAGES: dict[str, str] = {
    # formats
    "format.datetime": "EEEE d MMMM y 'à' HH:mm",
    "format.minutes": "{n} min",
    "format.hours": "{n} h",
    "format.hours_minutes": "{h} h {m}",
    "list.empty": "personne",
    "value.yes": "oui",
    "value.no": "non",
    "choice.agree": "J'accepte",
    # noms d'arguments
    "arg.command": "commande",
    "arg.mode": "anon",
    "arg.state": "on|off",
    "arg.duration": "durée",
    "arg.minutes": "minutes",
    "arg.member": "membre",
    "arg.position": "position",
    "arg.key": "réglage",
    "arg.value": "valeur",
    # charte et accueil
    "charter.default": (
        "La confidentialité est notre règle d'or : ce qui se dit dans le groupe reste dans le "
        "groupe. Nous écoutons sans juger, nous parlons en notre nom, à notre rythme, et personne "
        "n'est obligé de parler. Les silences font partie des échanges. Si l'émotion vient, vous "
        "pouvez demander une pause à tout moment."
    ),
    "charter.default_label": "la charte par défaut",
    "charter.reminder": "🤝 Un rappel pour nous tous : {charter}",
    "charter.after_break": "🤝 Bon retour. Un rappel pour nous tous : {charter}",
    "charter.show": "📜 Notre charte : {charter}",
    "charter.accepted": "🤝 Merci {member}, vous avez accepté la charte.",
    "charter.already_accepted": "Vous avez déjà accepté la charte ({when}). Merci.",
    "welcome.newcomer": (
        "🌱 Bienvenue {member}. Ce qui se dit ici reste ici ; vous pouvez simplement écouter, "
        "et partager seulement quand vous le souhaitez."
    ),
    "welcome.private": (
        "Bienvenue dans le groupe. Avant de participer, merci de lire notre charte : {charter}\n"
        "Répondez « accepte » pour l'accepter. Vous pouvez aussi venir en observateur "
        "(« observateur on »)."
    ),
    # séances
    "session.opened": (
        "🕯️ La séance est ouverte, pour {duration} (jusque vers {end}). Prenez votre temps ; "
        "levez la main avec « main » quand vous souhaitez parler."
    ),
    "session.break_started": "☕ Faisons une pause de {minutes}, jusqu'à {until}. Buvez un peu d'eau.",
    "session.break_over": "🔔 La pause est terminée. Bon retour.",
    "session.resumed": "🔔 Nous reprenons la séance.",
    "session.closed": (
        "🌙 La séance est close après {duration}. {speakers} personne(s) ont pris la parole. "
        "Merci à toutes et à tous pour votre confiance et votre écoute."
    ),
    "session.half_time": (
        "Nous sommes à la moitié de la séance. C'est peut-être le moment d'une pause de "
        "{minutes} : « {command} »."
    ),
    # bâton de parole
    "stick.panel": "🎤 Parole : {holder} · en attente : {queue}",
    "stick.panel_closed": "🎤 Le bâton de parole est rangé jusqu'à la prochaine séance.",
    "stick.nobody": "personne",
    "stick.hand_raised": "✋ {member} a levé la main (position {position}).",
    "stick.hand_lowered": "{member} a baissé la main.",
    "stick.turn_of": "🎤 {member} a le bâton de parole.",
    "stick.your_turn": (
        "🎤 C'est à vous. Prenez tout le temps qu'il vous faut ; « passe » quand vous avez fini."
    ),
    "stick.free": "Le bâton de parole est libre : levez la main avec « main ».",
    "stick.passed": "{member} a passé le bâton. Merci pour ce partage.",
    "stick.place_given_up": "{member} a cédé sa place dans la file.",
    "stick.queue": "🎤 Parole : {holder} · en attente : {queue}",
    "stick.turn_ended": "Merci {member}.",
    "stick.skipped": "{member} parlera un peu plus tard (placé·e en fin de file).",
    "stick.removed": "{member} ne fait plus partie de la file.",
    "stick.moved": "{member} est maintenant en position {position}.",
    "stick.cleared": "La file d'attente est vide.",
    "stick.round": "🔄 Tour de table, dans cet ordre : {members}. Chacun peut passer.",
    "stick.timer_set": (
        "⏳ Repère de temps de parole : environ {minutes}. Ce n'est qu'un rappel doux et privé."
    ),
    "stick.timer_off": "⏳ Plus de repère de temps de parole.",
    "stick.nudge": (
        "⏳ Un petit mot discret : vous avez la parole depuis environ {minutes}. Rien ne presse ; "
        "quand vous serez prêt·e, « passe » donnera la parole aux autres."
    ),
    # pauses
    "pause.requested": "☕ {member} aimerait une pause. Les animateurs sont prévenus.",
    "pause.requested_anonymous": "☕ Une pause a été demandée. Les animateurs sont prévenus.",
    "pause.someone": "quelqu'un (anonyme)",
    "pause.moderators": "☕ Pause demandée par {member}. Pour la lancer : « {command} ».",
    "pause.thanks": (
        "Votre demande a été transmise. C'est normal d'être ému·e : prenez votre temps, "
        "buvez un peu d'eau."
    ),
    # observateurs
    "observer.on": "👂 {member} écoute en observateur.",
    "observer.off": "{member} n'est plus observateur et peut prendre la parole.",
    # réglages du groupe
    "group.updated": "⚙️ Réglage modifié : {setting} → {value}",
    "group.show": (
        "⚙️ Réglages du groupe\n"
        "nom : {name}\nbesoin : {need}\nlangue : {language}\nfuseau horaire : {timezone}\n"
        "accompagnants : {accompanying}\nrappels avant une séance : {reminders}\n"
        "durée d'une séance : {duration}\ndurée de la pause : {break}\n"
        "nouveaux d'abord : {first_speakers_first}\n"
        "charte obligatoire pour parler : {charter_required}\ncharte : {charter}"
    ),
    "setting.name": "nom",
    "setting.need": "besoin",
    "setting.language": "langue",
    "setting.timezone": "fuseau horaire",
    "setting.charter": "charte",
    "setting.accompanying": "accompagnants",
    "setting.reminders": "rappels",
    "setting.duration": "durée d'une séance",
    "setting.break": "durée de la pause",
    "setting.first-speakers-first": "nouveaux d'abord",
    "setting.charter-required": "charte obligatoire pour parler",
    "need.grief": "deuil",
    "need.illness": "maladie",
    "need.separation": "séparation",
    "need.other": "autre",
    "language.fr": "français",
    "language.en": "anglais",
    "accompanying.welcome": "bienvenus",
    "accompanying.not-admitted": "non admis",
    "accompanying.ask": "demander aux animateurs",
    # aide
    "help.overview": "Voici ce que je sais faire :\n{commands}",
    "help.command": "{command} : {description}\n{details}",
    "help.moderator_marker": " (animateurs)",
    "help.help": "lister les commandes, ou en expliquer une",
    "help.rules": "afficher la charte du groupe",
    "help.agree": "accepter la charte",
    "help.hand": "lever la main pour parler",
    "help.lower": "baisser la main",
    "help.pass": "passer le bâton, ou céder sa place dans la file",
    "help.queue": "voir qui parle et qui attend",
    "help.pause": "demander une pause (ajoutez « anonyme » pour rester anonyme)",
    "help.observer": "écouter en observateur, sans jamais être mis dans la file",
    "help.session": "ouvrir, mettre en pause, reprendre et clore une séance",
    "help.session.start": "ouvrir une séance maintenant (durée par défaut : réglages du groupe)",
    "help.session.break": "lancer une pause (durée par défaut : réglages du groupe)",
    "help.session.resume": "terminer la pause maintenant",
    "help.session.end": "clore la séance",
    "help.stick": "gérer le bâton de parole",
    "help.stick.next": "terminer le tour en cours (nommer la personne évite d'en sauter une)",
    "help.stick.give": "donner le bâton à un membre",
    "help.stick.skip": "placer un membre en fin de file",
    "help.stick.remove": "retirer un membre de la file",
    "help.stick.move": "placer un membre à une position de la file",
    "help.stick.clear": "vider la file",
    "help.stick.round": "un tour de table : mettre dans la file chaque participant présent",
    "help.stick.timer": "un repère de temps de parole, doux et privé, en minutes, ou « off »",
    "help.group": "les réglages du groupe",
    "help.group.set": "changer un réglage",
    "help.group.show": "afficher les réglages",
    # erreurs
    "error.internal": (
        "Désolé, quelque chose s'est mal passé de mon côté. Rien n'a été modifié ; "
        "réessayez dans un instant."
    ),
    "error.empty_command": "Je n'ai pas reçu de commande. « aide » les liste.",
    "error.unknown_command": (
        "Je ne connais pas la commande « {command} ». Vouliez-vous dire : {suggestions} ? "
        "« aide » les liste toutes."
    ),
    "error.unknown_command_no_suggestion": "Je ne connais pas la commande « {command} ». « aide » les liste toutes.",
    "error.unknown_subcommand": "« {command} » n'a pas de « {word} ». Possible : {choices}.",
    "error.missing_subcommand": "Que dois-je faire ? Utilisation : {usage}",
    "error.missing_argument": "Il manque quelque chose : {argument}. Utilisation : {usage}",
    "error.too_many_arguments": "Je n'attendais pas « {extra} ». Utilisation : {usage}",
    "error.bad_choice": (
        "« {value} » n'est pas possible pour {argument} : choisissez {choices}. "
        "Utilisation : {usage}"
    ),
    "error.bad_int": "{argument} doit être un nombre entier, pas « {value} ». Utilisation : {usage}",
    "error.bad_minutes": (
        "{argument} doit être une durée comme 90, 90m ou 1h30, pas « {value} ». "
        "Utilisation : {usage}"
    ),
    "error.int_out_of_range": "{argument} doit être entre {min} et {max}. Utilisation : {usage}",
    "error.minutes_out_of_range": (
        "{argument} doit être entre {min} et {max} minutes. Utilisation : {usage}"
    ),
    "error.text_too_long": "{argument} est trop long (au plus {max} caractères).",
    "error.too_long": (
        "Ce message est trop long pour une commande ({length} caractères, au plus {max})."
    ),
    "error.control_characters": (
        "Votre commande contient des caractères de contrôle invisibles. Merci de la retaper."
    ),
    "error.bad_timer": (
        "Le repère de temps de parole doit être de 1 à 60 minutes, ou « off » (pas « {value} »)."
    ),
    "error.moderators_only": "Seuls les animateurs peuvent utiliser « {command} ».",
    "error.no_open_session": "Aucune séance n'est ouverte pour le moment.",
    "error.session_already_open": "Une séance est déjà ouverte.",
    "error.session_not_scheduled": "Cette séance ne peut plus être ouverte.",
    "error.already_on_break": "Nous sommes déjà en pause.",
    "error.not_on_break": "Nous ne sommes pas en pause.",
    "error.already_holder": "Vous avez déjà le bâton. Prenez votre temps.",
    "error.already_queued": "Votre main est déjà levée (position {position}).",
    "error.not_queued": "Votre main n'est pas levée.",
    "error.nothing_to_pass": "Vous n'avez pas le bâton et n'êtes pas dans la file.",
    "error.nobody_holds_stick": "Personne n'a le bâton pour le moment.",
    "error.already_holds": "Cette personne a déjà le bâton.",
    "error.member_not_in_line": "{member} ne parle pas et n'attend pas dans la file.",
    "error.member_not_queued": "{member} n'attend pas dans la file.",
    "error.stale_next": "C'est {holder} qui a le bâton, pas {member} : rien n'a été changé.",
    "error.next_too_soon": (
        "{holder} vient tout juste de recevoir le bâton, je n'ai donc pas terminé son tour. "
        "Si c'est bien voulu, nommez la personne : « bâton suivant {holder} »."
    ),
    "error.observer_no_stick": (
        "Vous écoutez en observateur. « observateur off » si vous souhaitez parler."
    ),
    "error.member_is_observer": "{member} est observateur et n'est jamais mis dans la file.",
    "error.charter_first": (
        "Avant de prendre la parole, merci de lire la charte (« charte ») et de l'accepter "
        "(« accepte »)."
    ),
    "error.member_charter_first": "{member} n'a pas encore accepté la charte.",
    "error.observer_already_on": "Vous êtes déjà observateur.",
    "error.observer_already_off": "Vous n'êtes pas observateur.",
    "error.round_nobody": "Personne d'autre de présent ne peut être ajouté au tour de table.",
    "error.member_not_found": "Je ne connais aucun membre nommé « {name} » dans ce groupe.",
    "error.member_ambiguous": (
        "Plusieurs membres correspondent à « {name} » : {matches}. Merci de préciser."
    ),
    "error.setting.name": "Le nom doit faire de 1 à 100 caractères.",
    "error.setting.need": (
        "Le besoin doit être deuil, maladie, séparation ou autre (pas « {value} »)."
    ),
    "error.setting.language": "La langue doit être fr ou en (pas « {value} »).",
    "error.setting.timezone": (
        "« {value} » n'est pas un fuseau horaire connu. Utilisez un nom comme Europe/Paris. "
        "Proches : {suggestions}."
    ),
    "error.setting.timezone_unknown": "« {value} » n'est pas un fuseau horaire connu. Utilisez un nom comme Europe/Paris ou America/Montreal.",
    "error.setting.charter": "La charte doit faire au moins 10 caractères, ou « défaut ».",
    "error.setting.accompanying": (
        "Les accompagnants : bienvenus, non-admis ou demander (pas « {value} »)."
    ),
    "error.setting.reminders": (
        "Les rappels : une à cinq durées avant la séance, comme « 24h 15m », ou « off »."
    ),
    "error.setting.duration": (
        "La durée d'une séance doit être entre {min} et {max} (pas « {value} »)."
    ),
    "error.setting.break": "La durée de la pause doit être entre {min} et {max} (pas « {value} »).",
    "error.setting.first-speakers-first": "Répondez on ou off (pas « {value} »).",
    "error.setting.charter-required": "Répondez on ou off (pas « {value} »).",
    # scheduling and reminders
    "arg.date": "AAAA-MM-JJ",
    "arg.time": "HH:MM",
    "arg.repeat": "hebdo|quinzaine|mensuel",
    "arg.title": "titre",
    "arg.id": "numéro",
    "arg.scope": "tout",
    "help.sessions": "les prochaines séances, à l'heure du groupe",
    "help.remind": "rappels des séances par message privé pour vous : on ou off",
    "help.session.schedule": "planifier une séance, une fois ou chaque semaine/quinzaine/mois, avec un titre si vous voulez",
    "help.session.cancel": "annuler une séance planifiée par son numéro (ajoutez « tout » pour toute sa série)",
    "help.session.calendar": "les séances du groupe en fichier calendrier (.ics)",
    "schedule.once": "📅 Séance n°{id} planifiée le {when} ({duration}).",
    "schedule.series": "📅 Séances planifiées {repeat}, à partir du {when} ({duration}) ; la première est la n°{id}.",
    "repeat.weekly": "chaque semaine",
    "repeat.biweekly": "toutes les deux semaines",
    "repeat.monthly": "chaque mois",
    "cancel.once": "La séance du {when} est annulée.",
    "cancel.series": "La série est annulée ({count} séance(s) à venir).",
    "sessions.none": "Aucune séance n'est planifiée pour le moment.",
    "sessions.list": "📅 Prochaines séances :\n{lines}",
    "sessions.now": "en cours",
    "calendar.ready": "📅 Voici le calendrier des séances du groupe ({count} planifiée(s)), à importer dans votre agenda.",
    "remind.on": "⏰ Vous recevrez un message privé avant chaque séance.",
    "remind.off": "Vous ne recevrez plus de message privé avant les séances.",
    "reminder.room": "⏰ Rappel : notre prochaine séance commence dans {left} ({when}). Venez comme vous êtes.",
    "reminder.room_titled": "⏰ Rappel : notre prochaine séance, « {title} », commence dans {left} ({when}). Venez comme vous êtes.",
    "reminder.private": "⏰ Le groupe se retrouve dans {left} ({when}). Prenez soin de vous d'ici là.",
    "session.opened_title": "🕯️ {title}",
    "session.not_opened_busy": "La séance prévue le {when} n'a pas pu s'ouvrir d'elle-même : une autre séance est encore ouverte. Fermez-la (« séance clore ») puis ouvrez la nouvelle (« séance ouvrir »).",
    "error.bad_date": "« {value} » n'est pas une date que je sais lire : écrivez-la comme 2026-12-01.",
    "error.bad_time": "« {value} » n'est pas une heure que je sais lire : écrivez-la comme 19:30.",
    "error.impossible_date": "« {value} » n'existe pas dans le calendrier. Vérifiez le jour et le mois.",
    "error.time_in_gap": "{wanted} n'existe pas à {timezone} : on avance l'heure cette nuit-là. La première heure valide est {next}.",
    "error.date_in_past": "{when} est déjà passé. Choisissez un moment à venir.",
    "error.session_not_found": "Il n'y a pas de séance n°{id} dans ce groupe. « séances » les liste.",
    "error.not_a_series": "La séance n°{id} ne fait pas partie d'une série : annulez-la seule.",
}
