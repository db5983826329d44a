"""Benchmarks of the index, the search service and the web server against a linear scan."""
