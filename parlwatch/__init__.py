"""parlwatch: change-tracking archiver for parliamentary websites."""

from store.release import RELEASE as __version__

__all__ = ["__version__"]
