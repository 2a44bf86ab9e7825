"""Speed and memory measurements; run with `.venv/bin/python -m benchmarks.run`."""
