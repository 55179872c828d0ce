"""What the environment settings (bot/config.py) and the office file (bot/office.py) share."""

SUPPORTED_LOCALES = ("es", "en")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says how to fix it."""
