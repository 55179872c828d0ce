"""The domain: plain async functions that take a session first. No Telegram here.

Services never commit: the caller owns the transaction.
"""
