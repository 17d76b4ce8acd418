"""``parlwatch.process_end``: a command's result is kept until a hard exit only from the console
entry point, and that exit flushes what was written and skips the interpreter's teardown."""

from __future__ import annotations

import os
import subprocess
import sys

from parlwatch import process_end

ENDS_AT_ONCE = """
import atexit, sys
from parlwatch import process_end
atexit.register(lambda: print("teardown ran", file=sys.stderr))
process_end.end_now_if_kept(5)  # nothing kept: returns
print("kept nothing; ", end="")
process_end.enable()
process_end.keep_until_exit([1, 2, 3])
print("written, not yet flushed", end="")
process_end.end_now_if_kept(3)
print("never")
"""


def test_nothing_is_kept_unless_the_entry_point_asked(monkeypatch):
    """A test runner or a library caller never enables it: results are dropped as usual."""
    monkeypatch.setattr(process_end, "_kept", [])
    monkeypatch.setattr(process_end, "_enabled", False)
    process_end.keep_until_exit(object())
    assert process_end._kept == []
    process_end.end_now_if_kept(0)  # returns: there is nothing to end for


def test_a_kept_result_ends_the_process_flushed_without_teardown():
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", ENDS_AT_ONCE],
        capture_output=True,
        text=True,
        timeout=60,
        env=buffered,  # stdout down a pipe is then held in a buffer until flushed
    )
    assert done.returncode == 3
    assert done.stdout == "kept nothing; written, not yet flushed"
    assert "teardown ran" not in done.stderr and "never" not in done.stdout
