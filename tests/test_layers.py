"""The layers of README's "Architecture" section hold: each package imports only those below it.

The contracts live in pyproject.toml (``[tool.importlinter]``); ``lint-imports`` checks them, and
so does this test, so a back-edge fails the suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command, "import-linter is a test dependency (pip install -e '.[test]')"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_back_edge_would_be_caught(tmp_path):
    """The contract is not vacuous: a store module importing the crawler breaks it."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    tree = tmp_path / "tree"
    for package in ("parlwatch", "reports", "archive", "crawler", "store", "replica"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    (tree / "store" / "back_edge.py").write_text("import crawler.urls\n")
    result = subprocess.run(
        [command, "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "store.back_edge -> crawler.urls" in result.stdout
