"""Pieces of ``bench/lookup.py``: the detailed boundaries it makes for itself."""
