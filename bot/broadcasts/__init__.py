"""Announcements from the office to a segment of women.

service*.py: the broadcast, its audiences and status (no Telegram); views*.py: what
women and staff see; staff_*.py: composing, previewing, listing, cancelling;
her_optout.py: she stops or resumes receiving them; jobs.py: the sender;
progress.py: the progress message staff see while it sends.
"""
