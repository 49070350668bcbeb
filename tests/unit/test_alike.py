"""Placing an instance against the fleet's fully compared one (probes/alike, pure parts)."""

from __future__ import annotations

from tui.core.model import Change, ObjectKind, StaleObject
from tui.core.probes.agreement import Recent
from tui.core.probes.alike import (
    Reference,
    judge,
    merged,
    questions,
    recent_questions,
    still_holds,
)
from tui.core.probes.catalog import Catalog, RoleInfo
from tui.core.remedies.visibility import build_probes

COLUMN = StaleObject(ObjectKind.COLUMN, "public.customers.loyalty_tier", Change.ADDED)
GONE = StaleObject(ObjectKind.TABLE, "public.old_orders", Change.REMOVED)
LABEL = StaleObject(ObjectKind.ENUM, "public.mood:ecstatic", Change.ADDED)
RECENT = [Recent("relation", "public", "customers", ("id", "loyalty_tier"), 0),
          Recent("relation", "public", "products", ("id", "name"), 1)]  # fmt: skip


def reference(stale: list[StaleObject], version: str = "12.0.2") -> Reference:
    placed = questions(stale, recent_questions(RECENT), Catalog(RoleInfo("anon", True)))
    assert placed is not None
    asked, unasked = placed
    answers = tuple((q.probe.want_cached) != q.stale for q in asked)  # as its comparison found
    return Reference("http://a", tuple(stale), version, ("public",), tuple(asked), answers,
                     tuple(unasked))  # fmt: skip


def mine(ref: Reference, **changed: bool | None) -> tuple[bool | None, ...]:
    """The reference's answers, with some questions (by object name) answered otherwise."""
    return tuple(changed.get(q.name, a) for q, a in zip(ref.questions, ref.answers, strict=True))


def test_questions_skip_the_recent_objects_the_reference_holds_stale():
    ref = reference([COLUMN])
    assert [(q.name, q.stale) for q in ref.questions] == [
        ("public.customers.loyalty_tier", True),
        ("public.products", False),  # customers is the stale column's table: asked once
    ]


def test_answers_asked_early_and_late_are_merged_in_question_order():
    ref = reference([COLUMN])
    late = (True,)  # the stale column, asked once the comparison is done
    assert merged(ref.questions, late, {"public.products": False}) == (True, False)
    assert merged(ref.questions, late, {}) == (True, None)  # not asked early: does not tell


def test_the_same_answers_mean_the_same_cache_and_its_stale_objects():
    ref = reference([COLUMN, GONE])
    got = judge(ref, mine(ref), "12.0.2", ("public",))
    assert got.stale == [COLUMN, GONE] and got.why.startswith("same cache as http://a")


def test_an_instance_loaded_after_a_change_is_not_stale_on_it():
    ref = reference([COLUMN, GONE])
    answers = mine(ref, **{"public.customers.loyalty_tier": True})  # served: loaded later
    got = judge(ref, answers, "12.0.2", ("public",))
    assert got.stale == [GONE] and "loaded after" in got.why


def test_an_older_instance_is_compared_on_its_own():
    ref = reference([])
    got = judge(ref, mine(ref, **{"public.products": False}), "12.0.2", ("public",))
    assert got.stale is None and "public.products" in got.why


def test_an_answer_that_does_not_tell_or_another_version_means_its_own_comparison():
    ref = reference([COLUMN])
    assert judge(ref, mine(ref, **{"public.products": None}), "12.0.2", ("public",)).stale is None
    assert judge(ref, mine(ref), "11.2.2", ("public",)).stale is None
    assert judge(ref, mine(ref), "12.0.2", ("public", "api")).stale is None


def test_newer_than_a_reference_stale_on_what_no_request_shows_is_compared_on_its_own():
    ref = reference([COLUMN, LABEL])
    assert ref.unasked == (LABEL,)
    assert judge(ref, mine(ref), "12.0.2", ("public",)).stale == [COLUMN, LABEL]  # same cache
    newer = mine(ref, **{"public.customers.loyalty_tier": True})
    assert judge(ref, newer, "12.0.2", ("public",)).stale is None


def test_a_reference_whose_answers_contradict_its_comparison_is_no_reference():
    ref = reference([COLUMN])
    asked = ref.questions
    assert still_holds(asked, ref.answers)
    assert not still_holds(asked, mine(ref, **{"public.customers.loyalty_tier": True}))
    assert not still_holds(asked, mine(ref, **{"public.products": False}))  # another cache
    assert not still_holds(asked, mine(ref, **{"public.products": None}))


def test_too_many_stale_objects_are_not_asked_one_by_one():
    many = [StaleObject(ObjectKind.TABLE, f"public.t{i}", Change.ADDED) for i in range(30)]
    assert questions(many, recent_questions(RECENT), Catalog(RoleInfo("anon", True))) is None
    assert len(build_probes(many, {})[0]) == 30  # each could be asked: too many to be cheap
