"""Files: stored attachment bytes, the signed links that serve them, and inbound MMS downloads."""
