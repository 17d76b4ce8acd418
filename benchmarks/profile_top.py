"""The top of a crawl's cProfile: where the time goes, for the notes on an optimisation."""

from __future__ import annotations

import pstats
from pathlib import Path
from typing import Any

from benchmarks.runs import ROOT

PROJECT_FOLDERS = ("crawler", "store", "archive", "reports", "parlwatch")


def _name(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    path = Path(filename)
    try:
        filename = str(path.resolve().relative_to(ROOT))
    except ValueError:
        filename = path.name if path.suffix else filename
    return f"{filename}:{line}({function})" if line else function


def top_functions(profile: Path, count: int = 10) -> dict[str, list[dict[str, Any]]]:
    """The ``count`` functions with most own time, and the project's with most cumulative."""
    stats = pstats.Stats(str(profile))
    total = stats.total_tt or 1.0  # type: ignore[attr-defined]
    rows = [
        {
            "function": _name(key),
            "calls": calls,
            "own_s": round(own, 2),
            "cumulative_s": round(cumulative, 2),
            "own_share": round(own / total, 3),
            "cumulative_share": round(cumulative / total, 3),
        }
        for key, (_prim, calls, own, cumulative, _callers) in stats.stats.items()  # type: ignore[attr-defined]
    ]
    project = [r for r in rows if r["function"].split("/", 1)[0] in PROJECT_FOLDERS]
    return {
        "by_own_time": sorted(rows, key=lambda r: -r["own_s"])[:count],
        "project_by_cumulative_time": sorted(project, key=lambda r: -r["cumulative_s"])[:count],
    }
