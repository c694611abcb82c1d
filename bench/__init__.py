"""Benchmarks that print numbers and ratios (see README.md); not part of the test suite."""
