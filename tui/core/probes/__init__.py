"""Probes: async I/O only. Each gathers evidence from PostgreSQL or PostgREST within the
target's timeout and returns plain data; the checks turn that evidence into findings.
"""
