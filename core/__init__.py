"""The shared kernel: what every app may import, and which imports none of them.

Errors and their one table to HTTP status (``errors``), settings helpers (``env``), the
request guards and parsers every API uses (``input_guard``, ``parsers``, ``middleware``),
client identity (``clients``) and the OpenAPI shapes shared by all schemas (``schema``).
A module here imports Django, DRF and the standard library only; ``tests/test_architecture.py``
keeps it so.
"""
