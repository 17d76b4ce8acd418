"""parlwatch: change-tracking archiver for parliamentary websites."""

__version__ = "0.1.0"
