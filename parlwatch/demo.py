"""The offline demo: replicas of every site, two crawls a "year" apart, and what changed.

Each crawl step runs in its own process (``python -m parlwatch crawl``), as a Twisted reactor
cannot be started twice in one process, and as the scheduler will run them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from replica import ReplicaServer

# pacsto's 2026-06 updates the Russian edition's country pages before the English one; sites
# without such a version stay at their latest step
DEMO_STEPS = ("2025", "2026", "2026-06")


def crawl_subprocess(
    base_url: str | dict[str, str], db_url: str, spider: str = "pacsto"
) -> subprocess.CompletedProcess:
    """``parlwatch crawl`` in a child process; its output is returned, not printed.

    ``base_url`` is one URL for ``spider``, or a {site: url} map to crawl several sites at once.
    """
    urls = base_url if isinstance(base_url, dict) else {spider: base_url}
    args = [sys.executable, "-m", "parlwatch", "crawl", *urls, "--db", db_url]
    for site, url in urls.items():
        args += ["--base-url", f"{site}={url}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def run_demo(db_path: Path | None, echo: Callable[[str], None] = print) -> int:
    """Run the demo; returns the process exit code."""
    from crawler.registry import site_ids
    from reports.changes import changes_text
    from store.archive import Archive
    from store.queries import list_changes, list_crawls

    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="parlwatch-demo-")) / "demo.db"
    db_url = f"sqlite:///{db_path.resolve()}"
    sites = site_ids()
    echo(f"archive: {db_path}")
    with ExitStack() as stack:
        servers = {s: stack.enter_context(ReplicaServer(s, version=DEMO_STEPS[0])) for s in sites}
        echo(
            f"replicas of {len(servers)} sites serving, e.g. pacsto.org on {servers['pacsto'].url}"
        )
        for version in DEMO_STEPS:
            for server in servers.values():
                if version in server.versions:
                    server.set_version(version)
            echo(f"\n== crawling the replicas as they were in {version}")
            done = crawl_subprocess({s: srv.url for s, srv in servers.items()}, db_url)
            echo(done.stdout.rstrip())
            if done.returncode != 0:
                echo(done.stderr.rstrip()[-2000:])
                echo(f"demo failed: the {version} crawl exited {done.returncode}")
                return 1
    archive = Archive(db_url)
    baseline = {c.id for c in list_crawls(archive)} - {
        c.id for c in list_crawls(archive, last=len(sites) * (len(DEMO_STEPS) - 1))
    }
    rows = [r for r in list_changes(archive) if r.crawl not in baseline]
    first = DEMO_STEPS[0]
    echo(f"\n== changes found after the {first} crawls (the baseline)")
    echo("\n-- the assembly (pacsto.org / paodkb.org)")
    echo(changes_text([r for r in rows if r.entity.startswith("pacsto/")]))
    echo("\n-- the national parliaments")
    echo(changes_text([r for r in rows if not r.entity.startswith("pacsto/")]))
    echo(
        "\nExplore further:\n"
        f"  parlwatch changes --db {db_path} --format json\n"
        f"  parlwatch members --db {db_path} --country TJ\n"
        f"  parlwatch check --db {db_path}"
    )
    return 0
