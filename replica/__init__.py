"""Local replicas of parliamentary websites, served over real HTTP for demos and tests.

Each site lives in ``replica/sites/<id>/`` (``site.toml``, Jinja2 templates, per-version data);
see ``replica/README.md``. Typical use::

    from replica import ReplicaServer

    with ReplicaServer("pacsto", version="2025") as srv:
        ...  # crawl srv.url
        srv.set_version("2026")
"""

from replica.server import ReplicaServer, RequestLog, serve_forever
from replica.site import available_sites

__all__ = ["ReplicaServer", "RequestLog", "available_sites", "serve_forever"]
