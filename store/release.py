"""The release of parlwatch that writes an archive: recorded on crawls, versions and WARC files.

It lives at the bottom layer so that the crawler, the archive tools and the CLI all name the same
release without importing the CLI package. It is a literal, read by the build too
(``pyproject.toml``, ``[tool.setuptools.dynamic]``), rather than asked of the installed package's
metadata: ``importlib.metadata`` scans every installed distribution and cost every command a
noticeable share of its start-up.
"""

RELEASE = "0.1.0"
