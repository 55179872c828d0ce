"""Periodic jobs: succeeded by `bot/jobs.py`, the one list of periodic sweeps.

Every sweep now lives next to its domain (`bot/<domain>/jobs.py`) or, when every
domain uses it, in `bot/core/`. This package stays only so that tools naming
`scheduler` (ruff, mypy, Babel's extraction) keep working; it holds no code.
"""
