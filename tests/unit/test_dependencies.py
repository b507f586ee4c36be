"""Everything the bot imports is a dependency of the package itself, not only of the test extra:
``scripts/run`` installs the package without the test tools, and must start."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"bot", "storage", "adapters"}


def imported_modules() -> set[str]:
    found: set[str] = set()
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts and path.name == "env.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - FIRST_PARTY - set(sys.stdlib_module_names) - {"__future__"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"]]
    return {name.lower().replace("_", "-") for name in names}


def test_every_third_party_import_is_a_declared_dependency() -> None:
    distributions = packages_distributions()
    wanted = declared()
    missing = {
        module: distributions.get(module, [module])
        for module in imported_modules()
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [module])} & wanted
    }
    assert missing == {}, f"imported but not in [project] dependencies: {missing}"
