"""Database layer: tables, engine and transactions."""
