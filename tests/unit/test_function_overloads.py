"""How PostgREST caches and finds a function's overloads (SchemaCache.hs funcsSqlQuery, Plan.hs
findProc, Error.hs AmbiguousRpc; v11.2 and v12.0), as the probes read it."""

from __future__ import annotations

from tui.core.probes.catalog import Function, _input_args
from tui.core.probes.targeted import Rivals


def fn(args: tuple[str, ...], types: tuple[str, ...], defaults: int = 0, oid: int = 1) -> Function:
    return Function(oid, "s", "f", "f", args, False, True, types, True, defaults)


def test_input_names_pair_with_input_types_by_position_whatever_the_modes():
    # f(INOUT a int, OUT b text, c int): pronargs 2, PostgREST caches f(a, b)
    assert _input_args(["a", "b", "c"], 2) == ("a", "b")
    assert _input_args(["n", "x", "y"], 1) == ("n",)  # RETURNS TABLE (x, y)
    assert _input_args(None, 2) == ("", "")
    assert _input_args(["a"], 0) == ()


def test_a_get_finds_an_overload_by_its_required_and_optional_names():
    both = fn(("a", "b"), ("integer", "integer"), defaults=1)
    assert both.matches(frozenset({"a"})) and both.matches(frozenset({"a", "b"}))
    assert not both.matches(frozenset({"b"})) and not both.matches(frozenset())
    optional = fn(("a",), ("integer",), defaults=1)
    assert optional.matches(frozenset()) and optional.matches(frozenset({"a"}))
    assert fn((), ()).matches(frozenset()) and not fn((), ()).matches(frozenset({"a"}))


def test_overloads_by_type_read_from_pgrst203_or_from_the_one_resolved():
    new = fn(("a",), ("text",), oid=9)
    rivals = Rivals(new.pgrst_name, oldest=False)
    assert new.pgrst_name == "s.f(a => text)"
    listed = {"code": "PGRST203", "message": "Could not choose the best candidate function "
              "between: s.f(a => integer), s.f(a => text)"}  # fmt: skip
    assert rivals.read("PGRST203", listed, True) is True
    only_old = {**listed, "message": "between: s.f(a => integer), s.f(a => integer, b => text)"}
    assert rivals.read("PGRST203", only_old, True) is False
    assert rivals.read("PGRST108", {}, True) is False  # one resolved: the older one
    assert Rivals("s.f(a => integer)", oldest=True).read("PGRST108", {}, True) is True
    assert rivals.read("PGRST202", {}, False) is False


def test_a_call_finds_an_overload_by_names_or_posted_as_its_one_body_argument():
    from tui.core.checks.objects import _call_finds
    from tui.core.request import FailingRequest

    body = Function(1, "s", "f", "f", ("",), False, True, ("json",), False)
    post = FailingRequest("POST", "/rpc/f", b'{"x": 1}')
    assert _call_finds(body, ("x",), post)  # the whole body is its argument
    assert not _call_finds(body, ("x",), FailingRequest("GET", "/rpc/f?x=1"))
    as_text = FailingRequest("POST", "/rpc/f", b"hi", {"Content-Type": "text/plain"})
    assert not _call_finds(body, (), as_text)
    two = fn(("a", "b"), ("integer", "integer"), defaults=1)
    assert _call_finds(two, ("a",), FailingRequest("GET", "/rpc/f?a=1"))
    assert not _call_finds(two, ("b",), FailingRequest("GET", "/rpc/f?b=1"))  # a is required
    single = {"Prefer": "return=minimal, params=single-object"}
    payload = fn(("payload",), ("jsonb",))
    assert _call_finds(payload, ("x", "y"), FailingRequest("POST", "/rpc/f", b"{}", single))
    assert not _call_finds(payload, ("x",), FailingRequest("POST", "/rpc/f", b"{}"))
    assert not _call_finds(fn(("a",), ("integer",)), ("a",),
                           FailingRequest("GET", "/rpc/f?a=1", None, single))  # fmt: skip


def test_pgrst203_names_each_cached_overload_by_its_arguments():
    from tui.core.probes.targeted import ambiguous_overloads, signature_of

    message = ("Could not choose the best candidate function between: cx.f(a => integer), "
               "cx.f(a => text, b => timestamp with time zone), cx.f( => json)")  # fmt: skip
    listed = ambiguous_overloads(message, "cx", "f")
    assert listed == ["a => integer", "a => text, b => timestamp with time zone", " => json"]
    assert signature_of("cx", "f", listed[1]) == "cx.f(text, timestamp with time zone)"
    assert signature_of("cx", "F x", "") == 'cx."F x"()'


def test_pgrst203_read_without_the_schema_qualifiers_of_either_session():
    # PostgREST prints cx.positive where the doctor's search path prints positive, or back
    ours = Function(2, "cx", "f", "f", ("a",), False, True, ("positive",), True)
    listed = {"message": "between: cx.f(a => integer), cx.f(a => cx.positive)"}
    assert Rivals(ours.pgrst_name, oldest=False).read("PGRST203", listed, True) is True
