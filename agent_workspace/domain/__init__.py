"""Pure domain core: phone numbers, SMS segments, attachment policy and routing decisions."""
