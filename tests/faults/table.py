"""Run every fault scenario and print today's results as a Markdown table.

    python -m tests.faults.table [--jobs 2] [--only ID ...] [--changes]

Columns: the scenario, the fault crawl's status (and the expected one), the changes recorded
over the fault crawl plus the clean recovery crawl, and captures stored from other hosts; then
one row per ``kill -9`` point (the killed crawl's status once the next crawl has run).
``--changes`` adds a line per scenario listing the changes. Each job runs its own replica, proxy
and baseline, so ``--jobs 2`` halves the time on two cores. Exits 0 (it measures, it does not
judge); the tests judge.
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .harness import FaultSite, Outcome
from .kills import KILL_POINTS, KillOutcome, KillPoint, run_kill
from .scenarios import BY_ID, SCENARIOS, Scenario

Result = Outcome | KillOutcome


def run_all(runs: list[Scenario | KillPoint], jobs: int, workdir: Path) -> list[Result]:
    """Results in the order of ``runs``; job ``n`` runs every ``jobs``-th one on its own site."""
    shares = [runs[n::jobs] for n in range(jobs)]

    def run_one(site: FaultSite, run: Scenario | KillPoint) -> Result:
        return run_kill(site, run) if isinstance(run, KillPoint) else site.run(run)

    def run_share(n: int) -> list[Result]:
        with FaultSite(workdir / f"job{n}") as site:
            return [run_one(site, run) for run in shares[n]]

    with ThreadPoolExecutor(jobs) as pool:
        results = [r for share in pool.map(run_share, range(jobs)) for r in share]
    order = {id(run): i for i, run in enumerate(runs)}
    return sorted(results, key=lambda r: order[id(_run_of(r))])


def _run_of(result: Result) -> Scenario | KillPoint:
    return result.point if isinstance(result, KillOutcome) else result.scenario


def kill_rows(kills: list[KillOutcome]) -> list[str]:
    return [
        f"| kill -9 {k.point.name} ({k.captured_before_kill} captures) "
        f"| {k.killed_crawl['status']} after the next crawl (expected abandoned) "
        f"| {len(k.changes)} | - |"
        for k in kills
    ]


def markdown(results: list[Result], with_changes: bool = False) -> str:
    outcomes = [r for r in results if isinstance(r, Outcome)]
    kills = [r for r in results if isinstance(r, KillOutcome)]
    lines = [
        "| scenario | fault crawl status (expected) | changes over fault + recovery "
        "| captures from other hosts |",
        "| --- | --- | ---: | ---: |",
    ]
    for o in outcomes:
        expected = " or ".join(o.scenario.expect)
        lines.append(
            f"| {o.scenario.id} | {o.fault_crawl['status']} ({expected}) "
            f"| {len(o.changes)} | {len(o.offsite_captures)} |"
        )
    lines += kill_rows(kills)
    total = sum(len(o.changes) for o in outcomes)
    clean = sum(1 for o in outcomes if not o.changes)
    right = sum(1 for o in outcomes if o.fault_crawl["status"] in o.scenario.expect)
    lines.append("")
    lines.append(
        f"{len(outcomes)} scenarios: {total} changes recorded in all, {clean} scenarios record "
        f"none; {right} end in the expected status; "
        f"{sum(1 for o in outcomes if o.offsite_captures)} store captures from another host."
    )
    if kills:
        running = sum(1 for k in kills if k.killed_crawl["status"] == "running")
        abandoned = sum(1 for k in kills if k.killed_crawl["status"] == "abandoned")
        lines.append(
            f"{len(kills)} crawls killed with SIGKILL: {abandoned} closed as `abandoned`, "
            f"{running} still `running` after the next crawl; "
            f"{sum(len(k.changes) for k in kills)} changes recorded."
        )
    if with_changes:
        lines.append("")
        lines += [f"- {o.scenario.id}: {o.describe_changes()}" for o in outcomes if o.changes]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.table", description=__doc__)
    parser.add_argument("--jobs", type=int, default=2, help="scenarios run side by side")
    kill_names = {f"kill-{k.name}": k for k in KILL_POINTS}
    parser.add_argument(
        "--only", nargs="*", choices=sorted([*BY_ID, *kill_names]), help="these scenarios"
    )
    parser.add_argument("--changes", action="store_true", help="list each scenario's changes")
    args = parser.parse_args(argv)
    every = {**BY_ID, **kill_names}
    chosen = [every[i] for i in args.only] if args.only else [*SCENARIOS, *KILL_POINTS]
    jobs = max(1, min(args.jobs, len(chosen)))
    with tempfile.TemporaryDirectory(prefix="parlwatch-faults-") as tmp:
        print(markdown(run_all(chosen, jobs, Path(tmp)), args.changes))


if __name__ == "__main__":
    main()
