"""The streaming OpenAPI decoder gives what json.loads gives, however the bytes are split."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.probes.openapi_stream import DocumentStream


def tag(obj: dict[str, Any]) -> Any:
    """A hook that shows where it ran: every object it sees becomes a sorted item list."""
    return ["hooked", sorted(obj.items(), key=lambda kv: kv[0])]


def expected(doc: dict[str, Any], keep: frozenset[str] | None = None) -> dict[str, Any]:
    """json.loads with the hook on everything below the top level and its member objects."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if keep is not None and key not in keep:
            continue
        if isinstance(value, dict):
            out[key] = {k: json.loads(json.dumps(v), object_hook=tag) for k, v in value.items()}
        else:
            out[key] = json.loads(json.dumps(value), object_hook=tag)
    return out


def stream(raw: bytes, size: int, keep: frozenset[str] | None = None) -> dict[str, Any]:
    parser = DocumentStream(tag, keep)
    for i in range(0, len(raw), size):
        parser.feed(raw[i : i + size])
    return parser.close()


SAMPLE = {
    "swagger": "2.0",
    "info": {"title": "ünïcødé ✓", "version": "12.0.2"},
    "n": 12345,
    "flag": True,
    "nothing": None,
    "empty": {},
    "paths": {"/t1": {"get": {"tags": ["t1"]}}, "/rpc/f": {"post": {}}, "/": {}},
    "definitions": {"t1": {"properties": {"id": {"format": "bigint", "type": "integer"}}}},
    "list": [1, 2.5, "x", {"a": 1}],
}


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10_000])
def test_any_chunking_decodes_like_json_loads(size: int) -> None:
    raw = json.dumps(SAMPLE, ensure_ascii=False, indent=1).encode()
    assert stream(raw, size) == expected(SAMPLE)


def test_members_not_kept_are_dropped() -> None:
    raw = json.dumps(SAMPLE).encode()
    keep = frozenset({"info", "paths"})
    assert stream(raw, 5, keep) == expected(SAMPLE, keep)


def test_names_only_members_keep_their_entry_names_and_drop_the_values() -> None:
    parser = DocumentStream(tag, frozenset({"info", "paths"}), frozenset({"paths"}))
    parser.feed(json.dumps(SAMPLE).encode())
    assert parser.close() == {
        "info": expected(SAMPLE)["info"],
        "paths": {"/t1": None, "/rpc/f": None, "/": None},
    }


@pytest.mark.parametrize("size", [1, 3, 64])
def test_reader_members_are_decoded_plain_then_read_entry_by_entry(size: int) -> None:
    seen: list[Any] = []

    def read(value: Any) -> Any:
        seen.append(value)
        return ("read", sorted(value))

    raw = json.dumps(SAMPLE).encode()
    parser = DocumentStream(tag, frozenset({"info", "definitions"}), readers={"definitions": read})
    for i in range(0, len(raw), size):
        parser.feed(raw[i : i + size])
    assert parser.close() == {
        "info": expected(SAMPLE)["info"],
        "definitions": {"t1": ("read", ["properties"])},
    }
    assert seen == [SAMPLE["definitions"]["t1"]]  # once per entry, never hooked


def test_the_stream_is_finished_once_every_kept_member_is_in() -> None:
    """PostgREST sends "parameters" after "paths" and "definitions": it is never read."""
    keep = frozenset({"info", "paths", "definitions"})
    head = json.dumps({k: SAMPLE[k] for k in ("swagger", "info", "paths", "definitions")})
    parser = DocumentStream(tag, keep)
    parser.feed(head[:-1].encode() + b', "parameters": {"huge": [1, 2')
    assert parser.finished
    parser.feed(b"anything at all: it is not read")
    assert parser.close() == expected(SAMPLE, keep)


def test_a_kept_member_that_never_comes_means_reading_to_the_end() -> None:
    parser = DocumentStream(tag, frozenset({"info", "nowhere"}))
    parser.feed(json.dumps(SAMPLE).encode()[:-1])
    assert not parser.finished
    with pytest.raises(ValueError):
        parser.close()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"<html>busy</html>",
        b'{"a": 1',
        b'{"paths": {"/t": {}}',
        b'{"a": 1} x',
        b"[1, 2]",
        b'{"a" 1}',
    ],
)
def test_not_one_json_object_is_a_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        stream(raw, 3)


def test_a_number_split_at_a_chunk_end_is_not_cut_short() -> None:
    parser = DocumentStream(tag)
    parser.feed(b'{"n": 12')
    parser.feed(b"34}")
    assert parser.close() == {"n": 1234}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(), json_values, max_size=6), st.integers(1, 50))
def test_random_documents_and_splits(doc: dict[str, Any], size: int) -> None:
    raw = json.dumps(doc, ensure_ascii=False).encode()
    assert stream(raw, size) == expected(doc)
