"""The women's network: membership, organisations and their leaders, women without a
phone, consultations and proposals.

service_network.py: the yes/no membership of the network (NetworkMember); service.py:
organisations, their members (with her consent to share), leaders named by staff, and
leaders' requests to announce to their members; service_women.py: women without a
phone, registered by a leader or staff with oral consent, signed up to activities
through their leader, joined to their own Telegram account later with a one-time code,
imported from the office's register (service_import.py); service_consultations.py and
service_proposals.py: consultations with button answers, and women's proposals for the
municipal plan (their notices: service_participation_notices.py). her_network.py: her
network screen; her_leader.py: the leader's menu; her_consultations.py,
her_proposals.py; staff_network.py, staff_consultations.py, staff_proposals.py: staff
commands and buttons; views*.py: texts and keyboards; callbacks.py: the domain's
callback data.
"""
