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
        "charte obligatoire pour parler : {charter_required}\n"
        "inscrit dans l'annuaire : {directory}\npays (lignes d'écoute) : {country}\n"
        "charte : {charter}"
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
    "setting.country": "pays (lignes d'écoute)",
    "setting.country_auto": "{country}, d'après le fuseau horaire",
    "setting.country_unknown": "inconnu (le fuseau horaire ne dit pas de pays)",
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
    "error.setting.language": "La langue doit être fr ou en, éventuellement avec une région comme fr-CA ou en-US (pas « {value} »).",
    "error.setting.country": "Le pays s'écrit avec son code à deux lettres, comme FR, BE, CA, ou son nom, ou « auto » pour suivre le fuseau horaire (pas « {value} »).",
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
    # care features: themes
    "arg.text": "texte",
    "arg.session": "numéro de séance",
    "arg.which": "numéro|tout",
    "arg.confirm": "confirmer",
    "help.theme": "les thèmes des prochaines séances : proposer, lister, voter",
    "help.theme.propose": "proposer un thème pour une prochaine séance",
    "help.theme.list": "les thèmes proposés, avec leurs votes",
    "help.theme.vote": "voter pour un thème (une fois par thème)",
    "help.theme.unvote": "retirer votre vote pour un thème",
    "help.theme.pick": "choisir le thème de la prochaine séance (ou de la séance de ce numéro)",
    "theme.proposed": "💡 Un thème a été proposé pour une prochaine séance (n° {id}) : « {theme} ». Pour le soutenir : « {command} ».",
    "theme.thanks": "Merci d'avoir proposé le thème n° {id}. Votre nom n'apparaît pas avec lui.",
    "theme.none": "Aucun thème n'a encore été proposé. Vous pouvez en suggérer un : « {command} … ».",
    "theme.list": "💡 Thèmes proposés :\n{lines}",
    "theme.votes": "{n} vote(s)",
    "theme.your_vote": "votre vote ✓",
    "theme.picked_for": "choisi pour le {when}",
    "theme.voted": "✓ Votre vote pour le thème n° {id} (« {theme} ») est compté.",
    "theme.unvoted": "Votre vote pour le thème n° {id} est retiré.",
    "theme.picked": "💡 Le thème de la séance du {when} sera : « {theme} ».",
    "theme.picked_now": "💡 Le thème du jour : « {theme} ».",
    "error.theme_too_short": "Un thème demande au moins {min} caractères.",
    "error.theme_not_found": "Il n'y a pas de thème n° {id} dans ce groupe. « {command} » les affiche.",
    "error.theme_already_voted": "Vous avez déjà voté pour le thème n° {id}. Pour retirer votre vote : « {command} ».",
    "error.theme_not_voted": "Vous n'aviez pas voté pour le thème n° {id}.",
    "error.theme_no_session": "Aucune séance n'est encore prévue pour recevoir ce thème. Planifiez-en une d'abord : « {command} ».",
    "error.theme_session_over": "La séance n° {id} est passée ou annulée : choisissez une séance à venir.",
    # care features: journal
    "help.journal": "votre journal personnel : vous seul·e pouvez le lire",
    "help.journal.add": "écrire une note dans votre journal (en privé)",
    "help.journal.list": "relire vos notes (en privé)",
    "help.journal.export": "vos notes dans un fichier",
    "help.journal.delete": "supprimer une note par son numéro, ou « tout »",
    "help.journal.prompt": "une invitation à écrire après chaque séance : oui ou non",
    "journal.added": "📓 La note n° {number} est dans votre journal. Vous seul·e pouvez la lire.",
    "journal.typed_in_room": "Attention : ce que vous tapez dans le salon du groupe peut y être vu. Pour une note tout à fait privée, écrivez-la-moi en message privé.",
    "journal.empty": "Votre journal est vide. Pour écrire une note : « {command} … ».",
    "journal.list": "📓 Votre journal (vous seul·e voyez ceci) :\n{lines}",
    "journal.export_title": "Mon journal",
    "journal.exported": "📓 Voici vos {count} note(s), dans un fichier que vous seul·e recevez.",
    "journal.deleted": "La note n° {number} est supprimée.",
    "journal.deleted_all": "Votre journal est vide désormais ({count} note(s) supprimée(s)).",
    "journal.prompt_on": "📓 Après chaque séance, je vous inviterai à noter vos impressions, en privé.",
    "journal.prompt_off": "Je ne vous inviterai plus à écrire après les séances.",
    "journal.prompt": "🌙 La séance est terminée. Si vous le souhaitez, vous pouvez noter vos impressions dans votre journal personnel : « {command} … ». Vous seul·e les lirez.",
    "error.journal_empty": "Votre note est vide. Écrivez-la après la commande : « journal ajouter … ».",
    "error.journal_which": "Donnez le numéro d'une note (voir « journal liste »), ou « tout » (et non « {value} »).",
    "error.journal_not_found": "Vous n'avez pas de note n° {number}. « {command} » affiche vos notes.",
    # care features: directory and resources
    "help.groups": "les groupes de ce serveur, pour en trouver un qui vous convient",
    "help.resources": "où trouver de l'aide à toute heure (lignes d'écoute)",
    "directory.empty": "Aucun groupe n'est encore dans l'annuaire. Les animateur·rices d'un groupe peuvent l'y inscrire : « {command} ».",
    "directory.list": "🧭 Les groupes que vous pouvez rejoindre :\n\n{entries}\n\n{join}",
    "directory.entry": "• {name} — {need}, en {lang}\n  prochaine séance : {next}\n  accompagnants : {accompanying}\n  où : {place}",
    "directory.no_session": "aucune prévue pour l'instant",
    "directory.how_to_join": "Pour rejoindre un groupe, allez dans son salon et tapez « {agree} » pour accepter sa charte. Vous pouvez d'abord simplement écouter, en observateur·rice (« {observer} »), et lever la main (« {hand} ») quand vous souhaitez parler.",
    "resources.list": "🫶 Si vous traversez un moment très difficile, vous pouvez appeler, à toute heure :\n{lines}\nJe suis un bot : je ne suis pas thérapeute et je ne remplace pas une aide professionnelle. En cas de danger, appelez tout de suite le {emergency}.",
    "resources.unknown": "🫶 Si vous traversez un moment très difficile, vous méritez de l'aide et de l'écoute. Je ne connais pas encore les lignes d'écoute de ce pays{country} ; l'équipe d'animation peut les faire ajouter dans la configuration du bot (section [resources], par pays).\nJe suis un bot : je ne suis pas thérapeute et je ne remplace pas une aide professionnelle. En cas de danger, appelez tout de suite le {emergency}.",
    # care features: my data, forget me
    "help.my-data": "tout ce que je garde sur vous, dans un fichier",
    "help.forget-me": "effacer tout ce que je garde sur vous (demande confirmation)",
    "privacy.my_data": "🔐 Voici tout ce que je garde sur vous ({groups} groupe(s), {notes} note(s) de journal). Pour tout effacer : « {command} ».",
    "privacy.forget_confirm": "Cela effacera tout ce que je garde sur vous sur cette plateforme, dans tous les groupes : inscriptions, places dans la file, votes, vos thèmes (gardés sans votre nom si d'autres ont voté pour eux), votre journal et vos choix de rappels. C'est définitif. Pour confirmer : « {command} ».",
    "privacy.forgotten": "🕊️ C'est fait : je ne garde plus rien sur vous. Prenez soin de vous.",
    # care features: accompanying persons
    "help.accompanying": "participer comme accompagnant·e (un proche, un aidant), si le groupe l'accepte",
    "help.accompanying.on": "demander à participer comme accompagnant·e",
    "help.accompanying.off": "ne plus participer comme accompagnant·e",
    "help.accompanying.admit": "accueillir un membre qui a demandé à venir comme accompagnant·e",
    "help.accompanying.decline": "décliner la demande d'un membre de venir comme accompagnant·e",
    "choice.admit": "Accueillir",
    "choice.decline": "Décliner",
    "accompanying.ask_moderators": "{member} demande à participer comme accompagnant·e. Pour accueillir : « {admit} » ; pour décliner : « {decline} ».",
    "accompanying.asked": "Votre demande est transmise aux animateur·rices ; ils ou elles vous répondront en privé.",
    "accompanying.joined": "🌿 {member} se joint à nous comme accompagnant·e. Bienvenue.",
    "accompanying.admitted": "🌿 Les animateur·rices vous accueillent comme accompagnant·e.",
    "accompanying.declined": "Les animateur·rices ne peuvent pas accueillir d'accompagnant·e cette fois. Vous restez bienvenu·e pour participer en votre nom.",
    "accompanying.declined_done": "{member} a été prévenu·e, en privé et avec douceur.",
    "accompanying.off": "Vous ne participez plus comme accompagnant·e.",
    "error.accompanying_already": "Vous participez déjà comme accompagnant·e.",
    "error.accompanying_not_admitted": "Ce groupe n'accueille pas d'accompagnants. Vous êtes bienvenu·e pour participer en votre nom.",
    "error.accompanying_pending": "Votre demande est déjà transmise aux animateur·rices.",
    "error.accompanying_not": "Vous ne participez pas comme accompagnant·e.",
    "error.accompanying_no_request": "{member} n'a pas demandé à participer comme accompagnant·e.",
    "setting.directory": "inscrit dans l'annuaire",
    "error.setting.directory": "Répondez oui ou non (et non « {value} »).",
    "group.timezone_moved": "🕰️ {count} séance(s) prévue(s) des séries récurrentes gardent leur heure locale, désormais en {timezone} ; les séances ponctuelles gardent leur moment. « séances » les affiche.",
}
