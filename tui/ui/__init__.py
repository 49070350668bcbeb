"""The wizard: a thin Textual layer over the headless core (tui.core). No logic of its own
beyond presentation and flow; ``make_app`` in ``tui.ui.app`` builds it for the CLI and tests.
"""
