"""Benchmarks of the site and the report functions (`make bench`); results in bench/results.md."""
