"""Spaced review: missed exercises come back to each member after growing intervals (FSRS)."""
