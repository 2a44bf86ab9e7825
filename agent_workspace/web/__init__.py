"""HTTP routes under /api/: provider webhooks and signed media."""
