"""Knowledge as data: symptoms, causes, KPI thresholds, triggering events, PostgREST errors.

Adding a symptom, a cause or a PostgREST version is an entry in one of these tables.
"""
