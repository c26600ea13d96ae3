"""Benchmarks: scripts that measure vneid-mock; their figures go in bench/RESULTS.md."""
