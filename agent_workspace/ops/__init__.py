"""Running the workspace in production: log format (logs.py, log_lines.py), readiness of its
dependencies (health.py), Prometheus metrics (metrics.py), and one log line per kind of failure
(problems.py)."""
