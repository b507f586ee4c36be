"""The real ``cercle`` command in a subprocess: the first-session example replayed on SQLite, state
that continues on the same file, refusals of bad scripts, the interactive console fed by a pipe,
``db upgrade`` and the command reference."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.reference import BEGIN_MARKER, END_MARKER, commands_markdown
from bot.registry import REGISTRY

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
FIRST_SESSION = ROOT / "examples" / "first-session.txt"
CERCLE = Path(sys.executable).parent / "cercle"


def cercle(
    *args: str | Path, cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERCLE_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [str(CERCLE), *map(str, args)],
        cwd=cwd,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def after(lines: list[str], echo: str) -> list[str]:
    """The transcript lines a command produced: from its echo to the next echo or directive."""
    start = lines.index(echo) + 1
    end = next(
        (i for i in range(start, len(lines)) if not lines[i].startswith(("[", "    ↳", " "))),
        len(lines),
    )
    return lines[start:end]


@pytest.fixture(scope="module")
def first_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    work = tmp_path_factory.mktemp("console")
    db = work / "x.db"
    done = cercle("console", "--script", FIRST_SESSION, "--db", db, cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "logs stay off the transcript (WARNING and above only)"
    return db, done.stdout.splitlines()


def test_the_cercle_script_is_installed() -> None:
    assert CERCLE.exists(), f"run `{sys.executable} -m pip install -e .` first"


def test_the_session_opens_with_the_confidentiality_reminder(
    first_session: tuple[Path, list[str]],
) -> None:
    _, lines = first_session
    assert lines[0] == "@time 2026-12-01 18:00"
    opened = after(lines, "alice: séance ouvrir 90m")
    assert opened[0].startswith("[room] 🌿 La séance est ouverte, pour 1 h 30")
    assert "19 h 30" in opened[0]
    assert opened[1].startswith("[room] 🤝 Rappel de notre charte : La confidentialité")
    assert not any("Parole :" in line for line in opened), "the panel is not printed"


def test_newcomers_are_welcomed_and_accept_the_charter(
    first_session: tuple[Path, list[str]],
) -> None:
    _, lines = first_session
    bruno = after(lines, "bruno: charte")
    assert bruno[0].startswith("[room] 🌱 Bienvenue bruno.")
    assert bruno[1].startswith("[private → bruno] Bienvenue dans le groupe.")
    assert bruno[2].startswith(" " * len("[private → bruno] ") + "Répondez « accepte »")
    assert bruno[3] == "    ↳ accepte"
    assert bruno[4].startswith("[room] 📜 Notre charte : La confidentialité est notre règle d'or")
    assert (
        after(lines, "bruno: accepte")[0] == "[room] 🤝 Merci bruno, vous avez accepté la charte."
    )
    # chloé accepts at once: welcomed, and not asked to accept what she just accepted
    chloe = after(lines, "chloé: accepte")
    assert chloe[0].startswith("[room] 🌱 Bienvenue chloé.")
    assert chloe[1] == "[room] 🤝 Merci chloé, vous avez accepté la charte."


def test_hands_and_turns(first_session: tuple[Path, list[str]]) -> None:
    _, lines = first_session
    assert after(lines, "bruno: main")[:2] == [
        "[room] 🎤 bruno a le bâton de parole.",
        "[private → bruno] 🎤 C'est à vous. Prenez tout le temps qu'il vous faut ; "
        "« passe » quand vous avez fini.",
    ]
    assert after(lines, "chloé: main") == ["[room] ✋ chloé a levé la main (n° 1 dans la file)."]
    assert after(lines, "david: main") == ["[room] ✋ david a levé la main (n° 2 dans la file)."]
    assert after(lines, "david: file") == [
        "[private → david] 🎤 Parole : bruno · en attente : chloé et david",
        "                  Ici, chaque personne parle dans l'ordre où elle a levé la main.",
        "                  Vous êtes n° 2 : la personne devant vous a levé la main avant vous "
        "(ou l'équipe d'animation a ajusté l'ordre). Votre tour viendra, prenez votre temps.",
    ]
    assert after(lines, "bruno: passe")[:2] == [
        "[room] bruno a passé le bâton. Merci pour ce partage.",
        "[room] 🎤 chloé a le bâton de parole.",
    ]
    assert after(lines, "david: passe") == [
        "[room] david a passé le bâton. Merci pour ce partage.",
        "[room] Le bâton de parole est libre : levez la main avec « main ».",
    ]


def test_the_anonymous_break_request_names_nobody_in_the_room(
    first_session: tuple[Path, list[str]],
) -> None:
    _, lines = first_session
    request = after(lines, "david: pause anonyme")
    room = [line for line in request if line.startswith("[room]")]
    assert room == ["[room] ☕ Une pause a été demandée. L'équipe d'animation est prévenue."]
    assert not any("david" in line for line in room)
    assert (
        "[private → alice] ☕ Pause demandée par une personne qui reste anonyme. Pour la lancer : « séance pause »."
        in request
    )
    assert "    ↳ séance pause" in request
    assert any(
        line.startswith("[private → david] Votre demande a été transmise.") for line in request
    )
    assert not any(
        line.startswith(("[private → bruno]", "[private → chloé]")) for line in request
    ), "only moderators (and the requester) hear of it privately"


def test_the_bot_ends_the_break_by_itself_at_the_right_time(
    first_session: tuple[Path, list[str]],
) -> None:
    _, lines = first_session
    started = after(lines, "alice: séance pause")
    assert len(started) == 1
    assert started[0].startswith("[room] ☕ Faisons une pause de 10 min, jusqu'à")
    assert started[0].endswith("18 h 31. Buvez un peu d'eau.")
    advance = lines.index("@advance 12m  (18:21 → 18:33)")
    assert lines[advance + 1 : advance + 3] == [
        "-- 18:31 --",
        "[room] 🔔 La pause est terminée, nous reprenons.",
    ]
    assert lines[advance + 3].startswith("[room] 🤝 Avant de reprendre, rappel de notre charte :")
    # The stick and the queue were kept across the break.
    assert after(lines, "chloé: passe")[1] == "[room] 🎤 david a le bâton de parole."


def test_the_session_closes(first_session: tuple[Path, list[str]]) -> None:
    _, lines = first_session
    closed = after(lines, "alice: séance clore")
    assert closed == [
        "[room] 🌙 La séance est close après 59 min. 3 personnes ont pris la parole. "
        "Merci à toutes et à tous pour votre confiance et votre écoute."
    ]
    assert lines[-1] == closed[-1]


def test_every_script_command_is_echoed(first_session: tuple[Path, list[str]]) -> None:
    _, lines = first_session
    said = [
        line.split("#")[0].strip().replace(": !", ": ")
        for line in FIRST_SESSION.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\w+:", line)
    ]
    assert said
    echoed = [line for line in lines if re.match(r"^\w+: ", line)]
    assert echoed == said


def test_a_second_run_on_the_same_file_continues(
    first_session: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, _ = first_session
    script = tmp_path / "next-week.txt"
    script.write_text(
        "@time 2026-12-08 18:00\n"
        "@moderator alice\n"
        "alice: séance ouvrir\n"
        "bruno: main            # bruno accepted the charter last week\n"
        "@advance 20m\n"
        "bruno: passe\n"
        "alice: séance clore\n",
        encoding="utf-8",
    )
    done = cercle("console", "--script", script, "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert not any("Bienvenue" in line for line in lines), "everyone is already a member"
    assert after(lines, "bruno: main")[0] == "[room] 🎤 bruno a le bâton de parole."
    assert after(lines, "alice: séance clore")[0].startswith(
        "[room] 🌙 La séance est close après 20 min. 1 personne a"
    )


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            "@moderator alice\nalice: séance ouvrir\nalice séance clore\n",
            "line 3: expected 'NAME: command'",
        ),
        ("@advance 10 minutes\n", "line 1: expected '@advance DURATION' with a unit"),
        ("# fine\n@time 2026-12-01\n", "line 2: expected '@time YYYY-MM-DD HH:MM'"),
        ("@wait 5m\n", "line 1: unknown directive '@wait'"),
    ],
)
def test_a_malformed_script_is_refused_before_anything_runs(
    tmp_path: Path, script: str, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(script, encoding="utf-8")
    db = tmp_path / "bad.db"
    done = cercle("console", "--script", path, "--db", db, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"cercle: error: {path}, {message}")
    assert "Traceback" not in done.stderr
    assert not db.exists(), "nothing ran"


def test_moving_the_clock_back_stops_the_replay_at_that_line(tmp_path: Path) -> None:
    path = tmp_path / "back.txt"
    path.write_text("@time 2026-12-01 18:00\nbob: aide\n@time 2026-12-01 17:00\n", encoding="utf-8")
    done = cercle("console", "--script", path, "--db", tmp_path / "x.db", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith("@time 2026-12-01 18:00\nbob: aide\n")
    assert f"{path}, line 3: '@time' cannot move the clock back" in done.stderr


def test_a_missing_script_or_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    done = cercle("console", "--script", tmp_path / "nope.txt", cwd=tmp_path)
    assert (done.returncode, done.stderr.strip()) == (
        2,
        f"cercle: error: script not found: {tmp_path / 'nope.txt'}",
    )
    config = tmp_path / "cercle.toml"
    config.write_text('[bot]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    done = cercle("console", "--config", config, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"cercle: error: {config}: bot.timezone: expected an IANA")


def test_the_default_files_go_to_a_data_folder_git_ignores(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text(
        "bob: aide\nbob (private): journal ajouter une note\nbob: journal exporter\n",
        encoding="utf-8",
    )
    done = cercle("console", "--script", path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = tmp_path / "cercle-data"
    assert (data / "cercle.db").exists()
    assert (data / "cercle.db.journal-key").exists()
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["s.txt"], "nothing else here"
    assert any(p.suffix == ".md" for p in data.iterdir()), "the export is in the data folder"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/cercle-data/" in ignored
    assert "[private → bob] Voici l'essentiel pour participer :" in done.stdout


def test_the_configuration_chooses_the_language(tmp_path: Path) -> None:
    config = tmp_path / "cercle.toml"
    config.write_text('[bot]\nlanguage = "en"\ntimezone = "America/Montreal"\n', encoding="utf-8")
    path = tmp_path / "s.txt"
    path.write_text(
        "@time 2026-12-01 18:00\n@moderator ann\nann: agree\nann: session start 60m\n",
        encoding="utf-8",
    )
    done = cercle(
        "console", "--script", path, "--config", config, "--db", tmp_path / "en.db", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    opened = after(done.stdout.splitlines(), "ann: session start 60m")
    assert "19:00" in opened[0], "shown in the configured time zone"


def test_the_interactive_console_reads_a_pipe(tmp_path: Path) -> None:
    typed = "\n".join(
        [
            "accepte",
            "séance ouvrir",
            "/as bruno",
            "séance clore",
            "accepte",
            "main",
            "/moderator bruno",
            "/as bruno",
            "séance clore",
            "/quit",
            "aide",  # never read
        ]
    )
    done = cercle("console", "--db", tmp_path / "i.db", cwd=tmp_path, stdin=typed + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Cercle — console. Vous êtes « moi » (animateur·rice).")
    assert "[room] 🌿 La séance est ouverte" in out
    assert "Vous parlez maintenant en tant que « bruno »." in out
    assert "[private → bruno] Seule l'équipe d'animation peut utiliser « séance clore »." in out
    assert "[room] 🎤 bruno a le bâton de parole." in out
    assert "« bruno » est maintenant animateur·rice." in out
    assert "[room] 🌙 La séance est close" in out
    assert out.rstrip().endswith("Au revoir.")
    assert "Voici l'essentiel pour participer" not in out


def test_rounds_and_the_summary_read_well(tmp_path: Path) -> None:
    """An opening round (a hand raised meanwhile waits for its end), a closing round, and the
    summary the moderator alone gets, in French, as the room and the moderator read them."""
    typed = ["accepte", "groupe régler résumé oui"]
    for person in ("bruno", "chloe"):
        typed += [f"/as {person}", "accepte"]
    typed += ["/as moi", "séance ouvrir tour", "passe", "/as dan", "accepte", "main"]
    typed += ["/as bruno", "passe", "/as chloe", "passe", "/as dan", "passe"]
    typed += ["/as moi", "séance clore tour"]
    for person in ("moi", "bruno", "chloe", "dan"):
        typed += [f"/as {person}", "passe"]
    done = cercle("console", "--db", tmp_path / "r.db", cwd=tmp_path, stdin="\n".join(typed))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert (
        "[room] 🌿 Tour de table d'ouverture, la « météo » : un mot sur la façon dont vous "
        "arrivez aujourd'hui. Chacun et chacune à son tour, dans cet ordre : moi, bruno et "
        "chloe. Vous pouvez toujours passer (« passe ») ; les mains levées attendront la fin du "
        "tour."
    ) in lines
    assert "[room] ✋ dan lève la main : ce sera son tour dès la fin du tour de table." in lines
    thanks = lines.index(
        "[room] Merci pour ce tour de table. La parole est libre : levez la main quand vous le "
        "souhaitez."
    )
    assert lines[thanks + 1] == "[room] 🎤 dan a le bâton de parole.", "thanked, then Dan"
    assert any(line.startswith("[room] 🌙 Tour de table de clôture") for line in lines)
    last = lines.index("[room] Merci pour ce dernier tour de table.")
    assert lines[last + 1].startswith("[room] 🌙 La séance est close")
    summary = [line for line in lines if "Résumé de la séance" in line]
    assert summary == [
        "[private → moi] Résumé de la séance, pour l'équipe d'animation seulement (rien sur ce "
        "qui a été dit) :"
    ]
    after_summary = [line.strip() for line in lines[lines.index(summary[0]) + 1 :]]
    assert after_summary[:4] == [
        "dan : 1 fois, 1 min en tout",
        "Ont levé la main sans avoir eu la parole : personne",
        "N'ont pas pris la parole en dehors des tours de table : bruno et chloe — choisir "
        "d'écouter est tout à fait légitime.",
        "Tours de table non comptés ci-dessus (ouverture et clôture) : chaque personne "
        "présente y était appelée à son tour, libre de passer.",
    ]


def test_the_interactive_console_ends_at_end_of_input(tmp_path: Path) -> None:
    done = cercle("console", "--db", tmp_path / "i.db", cwd=tmp_path, stdin="aide")
    assert done.returncode == 0, done.stderr
    assert "[private → moi] Voici l'essentiel pour participer :" in done.stdout


def test_db_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "data" / "u.db"
    first = cercle("db", "upgrade", "--db", db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert db.exists()
    assert re.fullmatch(r"sqlite\+aiosqlite:///\S+u\.db is at revision \w+\.\n", first.stdout)
    again = cercle("db", "upgrade", "--db", db, cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, first.stdout)
    both = cercle("db", "upgrade", "--db", db, "--config", "x.toml", cwd=tmp_path)
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr


def test_db_upgrade_with_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / "cercle.toml"
    config.write_text(
        '[bot]\ndatabase_url = "sqlite+aiosqlite:///from-config.db"\n', encoding="utf-8"
    )
    done = cercle("db", "upgrade", "--config", config, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-config.db").exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_command_reference_is_generated_from_the_registry(
    tmp_path: Path, language: str
) -> None:
    done = cercle("commands", "--markdown", "--language", language, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == commands_markdown(language)
    lines = done.stdout.splitlines()
    assert (lines[0], lines[-1]) == (BEGIN_MARKER, END_MARKER)
    rows = lines[3:-1]
    paths = [path for path, _ in REGISTRY.walk()]
    assert len(rows) == len(paths)
    for row, path in zip(rows, paths, strict=True):
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert len(cells) == 5
        assert cells[0] == "`" + " ".join(c.name for c in path) + "`"
        french = " ".join(c.aliases.get("fr", (c.name,))[0] for c in path)
        assert f"`{french}`" in cells[1]


def test_the_command_reference_content(tmp_path: Path) -> None:
    english = commands_markdown("en")
    assert "| `pause` | `pause` | `pause [anon]` | everyone |" in english
    assert (
        "| `session start` | `séance ouvrir`, `séance commencer`, `séance début` "
        "| `session start [duration] [round]` | moderators |"
    ) in english
    assert "`observer <on\\|off>`" in english, "pipes are escaped inside the table"
    french = commands_markdown("fr")
    assert (
        "| `stick next` | `bâton suivant` | `bâton suivant [membre]` | équipe d'animation |"
        in french
    )
    plain = cercle("commands", "--language", "fr", cwd=tmp_path)
    assert plain.stdout.startswith("• aide [commande] — ")


def test_the_readme_table_does_not_drift() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert BEGIN_MARKER in text, "README.md must carry the generated command table"
    start = text.index(BEGIN_MARKER)
    end = text.index(END_MARKER, start) + len(END_MARKER)
    assert text[start:end] + "\n" == commands_markdown("en"), (
        "regenerate it with `cercle commands --markdown`"
    )


def test_the_interactive_console_writes_privately_with_slash_private(tmp_path: Path) -> None:
    typed = "\n".join(["accepte", "/prive journal ajouter une pensée", "journal ajouter au salon"])
    done = cercle("console", "--db", tmp_path / "p.db", cwd=tmp_path, stdin=typed + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("[private → moi] 📓 La note n° 1 est dans votre journal.") == 1
    assert "[private → moi] 📓 La note n° 2 est dans votre journal." in out
    # only the note typed in the room gets the reminder that the room could see it
    assert out.count("ce que vous tapez dans le salon du groupe peut y être vu") == 1
    assert (tmp_path / "p.db.journal-key").exists()
