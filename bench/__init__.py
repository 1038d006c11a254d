"""Benchmarks for fjernarbeid. Not part of the application; run them from the repository root."""
