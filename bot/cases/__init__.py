"""Cases: a woman's reported need, its history, and staff triage.

service.py: cases (no Telegram); posts.py: the queue of messages to the staff group;
views.py: what staff see of a case; composer.py: gathering her messages before Send;
her_report.py and her_requests.py: her screens; staff_triage.py: staff's; jobs.py:
posting the queue within the group's limit; digest.py: the morning digest.
"""
