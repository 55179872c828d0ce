"""The women's network: organisations, leaders, women without a phone, consultations, proposals."""
