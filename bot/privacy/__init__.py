"""Her data: what is stored, deleting it (a flow that crosses every domain), her language.

service.py: describing and erasing her data (no Telegram); her_data.py: the screens.
"""
