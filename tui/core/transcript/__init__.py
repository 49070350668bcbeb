"""Session transcript: the fsynced, redacted journal and its Markdown/JSON/clipboard renderings.

``journal`` records, ``redact`` masks, ``export`` renders, ``sessions`` finds, ``clipboard``
builds OSC 52 payloads. Nothing here imports Textual or writes to the terminal.
"""
