"""The women and the staff: welcome, consent, registration, the women's network,
staff administration.

her_welcome.py: welcome, consent, registration, menu and deep links; her_network.py
and service_network.py: joining and leaving the network; staff_admin.py: /chatid,
adding and removing staff.
"""
