"""Activities: clubs, fairs and trainings, one-off or recurring, with sign-ups.

service*.py: series, sign-ups and waiting lists, her view of them, notices and
reminders (no Telegram); rules.py: recurrence rules from buttons; views*.py: what
she and staff read; qr.py: poster codes; her_activities.py and staff_*.py: the
screens; jobs.py (reminders) and jobs_notices.py (notices of a change): the sweeps.
"""
