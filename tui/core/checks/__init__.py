"""Checks: pure functions from collected evidence to findings (no I/O, no clock)."""
