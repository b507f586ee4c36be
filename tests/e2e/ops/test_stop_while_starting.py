"""SIGTERM stops ``cercle run`` within 5 s even while the Matrix login waits for a homeserver that
accepted the connection and never answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CERCLE = Path(sys.executable).parent / "cercle"
STOP_WITHIN = 5


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_login_that_never_answers_stops_cleanly(
    tmp_path: Path, sig: signal.Signals
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        config = tmp_path / "cercle.toml"
        config.write_text(
            "[matrix]\nenabled = true\n"
            f'homeserver = "http://127.0.0.1:{port}"\nuser_id = "@cercle:localhost"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERCLE_")}
        env["CERCLE_MATRIX_PASSWORD"] = "not-used"
        process = subprocess.Popen(
            [str(CERCLE), "run", "--config", str(config)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            silent.settimeout(60)
            connection, _ = silent.accept()  # the bot is logging in and waits for an answer
            with connection:
                process.send_signal(sig)
                _, stderr = process.communicate(timeout=STOP_WITHIN)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped while starting" in stderr
