"""Reports for supervisors: each figure defined once in SQL over the existing tables
(figures.py), the few expressions PostgreSQL and SQLite spell differently (sql.py), and the
one entry point that checks who asks and reads them all in one read (report.py)."""
