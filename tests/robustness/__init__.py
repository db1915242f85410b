"""Robustness: bad inputs, fuzzing, atomic saves."""
