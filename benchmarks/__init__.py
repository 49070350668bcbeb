"""Benchmarks for pgrst-doctor on the real sandbox (``just bench``); not part of the test suite."""
