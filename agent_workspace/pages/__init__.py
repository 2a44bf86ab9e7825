"""The workspace pages, one module each."""
