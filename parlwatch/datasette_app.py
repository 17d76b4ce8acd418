"""Datasette over a SQLite archive, with ``datasette/metadata.yml`` (``parlwatch serve``)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

METADATA_FILE = Path(__file__).resolve().parents[1] / "datasette" / "metadata.yml"
TEMPLATE_DATABASE = "parlwatch"


def sqlite_file(db_url: str | None) -> Path:
    """The archive's SQLite file; ``ValueError`` for other databases."""
    from store.db import resolve_db_url

    url = resolve_db_url(db_url)
    if not url.startswith("sqlite:///"):
        raise ValueError("parlwatch serve needs a SQLite archive (Datasette reads SQLite files)")
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise ValueError(f"no archive at {path}")
    return path


def metadata_for(path: Path) -> dict:
    """The metadata with its canned queries attached to the database named after ``path``."""
    import yaml

    data = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    databases = data.get("databases", {})
    if TEMPLATE_DATABASE in databases:
        databases[path.stem] = databases.pop(TEMPLATE_DATABASE)
    return data


def datasette_command(db_url: str | None, host: str, port: int) -> list[str]:
    """The ``datasette serve`` command line (metadata written to a temporary file)."""
    path = sqlite_file(db_url)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".json", prefix="parlwatch-datasette-", delete=False, encoding="utf-8"
    ) as handle:
        json.dump(metadata_for(path), handle)
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(path),
        "--metadata",
        handle.name,
        "--host",
        host,
        "--port",
        str(port),
    ]


def datasette_app(db_url: str | None):
    """A Datasette instance (not serving) for tests and embedding."""
    from datasette.app import Datasette

    path = sqlite_file(db_url)
    return Datasette([str(path)], metadata=metadata_for(path))
