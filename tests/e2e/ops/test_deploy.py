"""The deployment recipes in ``deploy/``: the systemd unit passes ``systemd-analyze verify`` (when
systemd is there) and the container recipe is checked statically (no container runtime here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
CERCLE = Path(sys.executable).parent / "cercle"
INSTALLED_CERCLE = "/opt/cercle/venv/bin/cercle"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (DEPLOY / "cercle.service").read_text(encoding="utf-8")
    assert INSTALLED_CERCLE in unit
    # The unit names the installed path; verify it against this checkout's command.
    local = tmp_path / "cercle.service"
    local.write_text(unit.replace(INSTALLED_CERCLE, str(CERCLE)), encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", str(local)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr == "", verified.stderr
    assert "RestartPreventExitStatus=2" in unit, "a configuration to fix is no restart loop"


def test_container_recipe_runs_as_non_root_with_one_data_volume() -> None:
    recipe = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    final_stage = recipe.split("\nFROM ")[-1]
    users = re.findall(r"^USER (\S+)", final_stage, flags=re.MULTILINE)
    assert users, "the final stage sets a user"
    assert all(not user.startswith(("root", "0:", "0 ")) and user != "0" for user in users)
    assert re.findall(r"^VOLUME (.+)$", final_stage, flags=re.MULTILINE) == ['["/data"]']
    assert re.search(r"^WORKDIR /data$", final_stage, flags=re.MULTILINE)
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", recipe, flags=re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert (ROOT / source).exists(), f"{source} is copied but not in the checkout"
    packages = {"bot", "storage", "adapters"}
    assert packages <= {source for sources in copied for source in sources.split()}
