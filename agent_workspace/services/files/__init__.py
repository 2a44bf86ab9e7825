"""Files: stored attachment bytes, the signed links that serve them, inbound MMS downloads, and
the collector that deletes what nothing refers to."""
