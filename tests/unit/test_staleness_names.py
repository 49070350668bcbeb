"""One stale object per thing: the parts of a new table are the table, and a function a
probe named by name alone is the overload the sweep named by its signature."""

from __future__ import annotations

from tui.core.checks.staleness import _without_parts_of_new_tables
from tui.core.model import Change, ObjectKind, StaleObject

FN, COL, TABLE = ObjectKind.FUNCTION, ObjectKind.COLUMN, ObjectKind.TABLE
ADDED, REMOVED = Change.ADDED, Change.REMOVED


def test_a_function_named_by_name_and_by_signature_is_one_stale_object():
    found = {
        StaleObject(FN, "app.f_tab", ADDED),  # the user's GET /rpc/f_tab?a=1&c=2
        StaleObject(FN, "app.f_tab(integer, integer)", ADDED),  # the sweep, overloads exist
        StaleObject(FN, "app.other", ADDED),  # no overload named: kept as it is
        StaleObject(FN, "app.gone", REMOVED),  # the other way round: not the same finding
        StaleObject(FN, "app.gone(text)", ADDED),
        StaleObject(FN, 'app."f(x"', ADDED),  # a parenthesis inside a quoted name
    }
    assert _without_parts_of_new_tables(found) == found - {StaleObject(FN, "app.f_tab", ADDED)}


def test_a_new_tables_columns_are_the_table():
    found = {StaleObject(TABLE, 'app."Neu Ü"', ADDED), StaleObject(COL, 'app."Neu Ü".id', ADDED)}
    assert _without_parts_of_new_tables(found) == {StaleObject(TABLE, 'app."Neu Ü"', ADDED)}
