"""The annual operating plan (POA): lines from the office file, progress counted from records."""
