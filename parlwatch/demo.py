"""The offline demo: the pacsto replica, two crawls a "year" apart, and the changes between them.

Each crawl runs in its own process (``python -m parlwatch crawl``), as a Twisted reactor cannot
be started twice in one process, and as the scheduler will run them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from replica import ReplicaServer

DEMO_STEPS = ("2025", "2026")


def crawl_subprocess(
    base_url: str, db_url: str, spider: str = "pacsto"
) -> subprocess.CompletedProcess:
    """``parlwatch crawl`` in a child process; its output is returned, not printed."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "parlwatch",
            "crawl",
            spider,
            "--base-url",
            base_url,
            "--db",
            db_url,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_demo(db_path: Path | None, echo: Callable[[str], None] = print) -> int:
    """Run the demo; returns the process exit code."""
    from reports.changes import changes_text
    from store.archive import Archive
    from store.queries import list_changes, list_crawls

    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="parlwatch-demo-")) / "demo.db"
    db_url = f"sqlite:///{db_path.resolve()}"
    echo(f"archive: {db_path}")
    with ReplicaServer("pacsto", version=DEMO_STEPS[0]) as server:
        echo(f"replica of pacsto.org serving on {server.url}")
        for version in DEMO_STEPS:
            server.set_version(version)
            echo(f"\n== crawling the replica as it was in {version}")
            done = crawl_subprocess(server.url, db_url)
            echo(done.stdout.rstrip())
            if done.returncode != 0:
                echo(done.stderr.rstrip()[-2000:])
                echo(f"demo failed: the {version} crawl exited {done.returncode}")
                return 1
    archive = Archive(db_url)
    last_crawl = list_crawls(archive, last=1)[0]
    first, last = DEMO_STEPS[0], DEMO_STEPS[-1]
    echo(f"\n== changes found by the {last} crawl (the {first} crawl is the baseline)")
    echo(changes_text(list_changes(archive, crawl_id=last_crawl.id)))
    echo(f"\nExplore further:  parlwatch changes --db {db_path} --format json")
    return 0
