"""pgrst-doctor: find and fix stale PostgREST / Supabase schema caches.

Layout: ``core`` is the headless engine (no Textual), ``sandbox`` the real test stack,
``cli`` the command line, ``ui`` the Textual wizard.
"""

__version__ = "0.1.0"
