"""Benchmarks (pytest-benchmark) and a bench-only Django configuration for load tests."""
