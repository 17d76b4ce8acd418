"""Benchmarks of parlwatch, run from the outside (subprocesses, commands, the store's queries).

``python -m benchmarks`` (``make bench``) runs them all and writes one JSON result; see the
README's "Performance" section. Nothing here is imported by the project.
"""
