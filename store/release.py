"""The release of parlwatch that writes an archive: recorded on crawls, versions and WARC files.

It lives at the bottom layer so that the crawler, the archive tools and the CLI all name the same
release without importing the CLI package.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    RELEASE = version("parlwatch")
except PackageNotFoundError:  # run from a source tree that was never installed
    RELEASE = "0.0.0+source"
