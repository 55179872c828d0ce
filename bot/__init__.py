"""omm-bot: a Telegram bot for a Municipal Women's Office (Oficina Municipal de la Mujer)."""

__version__ = "0.1.0"
