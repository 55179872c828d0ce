"""Her data: what is stored, deleting it (a flow that crosses every domain), her language.

her_data.py: the screens.
"""
