"""Appointments: free slots, booking, call-back and visit requests, staff's hours.

service.py and availability.py: slots and bookings (no Telegram);
service_reminders.py: the durable reminders; views.py: what she and staff read;
her_booking.py and staff_agenda.py: the screens; jobs.py: the reminder sweep.
"""
