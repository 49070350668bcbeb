"""Remedies: the reload ladder (notify, signal, restart, reset), verification, KPIs, dump.

Every remedy is a step object, ``async run(emit) -> StepResult``, emitting ``StepEvent``s that
the CLI prints and the wizard renders the same way (``events.py``).
"""
