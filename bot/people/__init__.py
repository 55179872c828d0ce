"""The women and the staff: welcome, consent, registration, staff administration.

her_welcome.py: welcome, consent, registration, menu and deep links; staff_admin.py:
/chatid, adding and removing staff. The women's network lives in bot.network.
"""
