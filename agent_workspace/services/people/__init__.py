"""People: consumers and contacts, and the profile resolver that says whose a phone number is."""
