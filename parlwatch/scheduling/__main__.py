"""``python -m parlwatch.scheduling`` is ``parlwatch scheduler``."""

from parlwatch.commands_schedule import scheduler

scheduler(prog_name="parlwatch scheduler")
