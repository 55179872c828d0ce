"""Handlers not yet moved to their domain folder (see bot/routes.py)."""
