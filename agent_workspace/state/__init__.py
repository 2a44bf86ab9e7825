"""Reflex state: what each page shows; handlers call one service and check access first."""
