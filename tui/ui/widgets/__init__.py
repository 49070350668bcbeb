"""Reusable widgets: the target banner, the check panel, the step timer."""
