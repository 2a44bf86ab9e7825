"""People: consumers and contacts, the profile resolver that says whose a phone number is, and
their consent: the opt-out ledger (ledger.py: its one writer and the STOP check every sender
reads) and its history (consent.py)."""
