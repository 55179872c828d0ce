"""Social-aid deliveries: what the office gave, to whom, when; corrected and annulled with an
audit trail, never deleted; anonymous after her erasure."""
