"""`pgrst-doctor check`: the whole diagnosis, once, for scripts, CI and a quick look.

Exit codes: 0 healthy, 1 stale-cache or not-cache, 3 unreachable, 2 usage/configuration,
5 undetermined (the cache could not be compared with the database: never called healthy).
With ``--json`` stdout holds exactly one JSON object (``Report.to_json()``), nothing else.
Kept free of Textual (start-up time): the engine is imported only when the command runs, and
the parsers of ``--table``/``--column``/..., ``--error`` and ``--request`` only when their flag
is given (a plain check uses none of them).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from tui.cli import interrupts
from tui.cli.common import add_target_flags, target_from_args
from tui.core import startup
from tui.core.errors import UsageError
from tui.core.knowledge.symptoms import ALL_SYMPTOMS, SYMPTOMS

if TYPE_CHECKING:
    from tui.core.diagnosis import DiagnosisRequest
    from tui.core.fleet import InstanceReport
    from tui.core.model import Report
    from tui.core.pasted_error import PastedError
    from tui.core.request import FailingRequest
    from tui.core.specs import ObjectRef
    from tui.core.target import Target

# argparse dest (a key of SPEC_PARSERS) -> flag, metavar, in the order objects are reported
OBJECT_FLAGS = (
    ("table", "--table", "SCHEMA.NAME"),
    ("column", "--column", "SCHEMA.TABLE.COLUMN"),
    ("function", "--function", "SCHEMA.NAME"),
    ("relationship", "--relationship", "SCHEMA.FROM:SCHEMA.TO"),
    ("enum_value", "--enum-value", "SCHEMA.TYPE:LABEL"),
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check",
        help="diagnose the schema cache once and exit "
        "(0 healthy, 1 stale/not-cache, 3 unreachable, 5 undetermined)",
        description=(
            "Probe the database and PostgREST concurrently, compare what the database holds "
            "with what PostgREST serves, and say whether the schema cache is stale, something "
            "else is wrong, or all is well. Every failure comes with the exact fix."
        ),
    )
    parser.add_argument(
        "--json", action="store_true", help="print exactly one JSON object (schema_version 1)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show every check")
    parser.add_argument(
        "--symptom",
        action="append",
        default=[],
        metavar="ID",
        help=f"what the user sees (repeatable; default all): {', '.join(SYMPTOMS)}",
    )
    parser.add_argument(
        "--error",
        metavar="TEXT",
        help="start from the error in hand: its message, JSON body, a log line holding it or a "
        "supabase-js error object as logged ('-' reads it from stdin); sets the symptom and "
        "the objects it names",
    )
    objects = parser.add_argument_group("objects the symptom is about (repeatable)")
    for dest, flag, metavar in OBJECT_FLAGS:
        objects.add_argument(flag, dest=dest, action="append", default=[], metavar=metavar)
    parser.add_argument(
        "--request",
        metavar="REQUEST",
        help="the failing request, replayed with --api-key: 'GET /orders?select=*,customers(*)', "
        "a path, a full URL or a pasted curl command. It is sent in a form PostgREST answers "
        "from its schema cache alone: nothing is written, no trigger or function runs",
    )
    parser.add_argument(
        "--replay-writes",
        action="store_true",
        help="send --request itself, once (it may write and run triggers and functions)",
    )
    add_target_flags(parser)
    parser.set_defaults(func=run)


def parse_symptoms(ids: list[str]) -> tuple[str, ...]:
    """Validated symptom ids, in the knowledge table's order; empty or ``all`` = every one."""
    chosen: list[str] = []
    for raw in ids:
        for symptom in (s.strip() for s in raw.split(",")):
            if symptom == "all":
                return ALL_SYMPTOMS
            if symptom not in SYMPTOMS:
                raise UsageError(
                    f"unknown symptom {symptom[:40]!r}: choose from {', '.join(SYMPTOMS)}"
                )
            chosen.append(symptom)
    return tuple(s for s in ALL_SYMPTOMS if s in chosen) or ALL_SYMPTOMS


def parse_objects(args: argparse.Namespace) -> tuple[ObjectRef, ...]:
    refs: list[ObjectRef] = []
    for dest, flag, _metavar in OBJECT_FLAGS:
        for text in getattr(args, dest, None) or []:
            from tui.core.specs import SPEC_PARSERS

            ref = SPEC_PARSERS[dest](text, flag)
            if ref not in refs:
                refs.append(ref)
    return tuple(refs)


def parse_failing_request(args: argparse.Namespace, target: Target) -> FailingRequest | None:
    text = getattr(args, "request", None)
    if text is None:
        return None
    from tui.core.request import parse_request

    return parse_request(text, target.api_url)


def parse_pasted_error(args: argparse.Namespace) -> PastedError | None:
    """``--error TEXT`` (``-``: stdin), read once and kept on ``args``."""
    text = getattr(args, "error", None)
    if text is None:
        return None
    from tui.core.pasted_error import MAX_PASTE, parse_error

    if text == "-":
        text = sys.stdin.read(MAX_PASTE + 1)
        args.error = text
    return parse_error(text)


def build_request(args: argparse.Namespace, target: Target) -> DiagnosisRequest:
    """The engine's DiagnosisRequest for these flags. Every usage error is raised before the
    engine is imported, so bad input costs no start-up time. A pasted error picks the
    symptom (unless --symptom does) and adds the objects it names."""
    error = parse_pasted_error(args)
    symptoms = parse_symptoms(args.symptom)
    if error is not None and not args.symptom:
        symptoms = (error.symptom,) if error.symptom else ALL_SYMPTOMS
    objects = parse_objects(args)
    failing = parse_failing_request(args, target)
    from tui.core.diagnosis import DiagnosisRequest

    return DiagnosisRequest(
        symptoms=symptoms,
        objects=objects,
        request=failing,
        error=error,
        replay_for_real=bool(getattr(args, "replay_writes", False)),
    )


def run(args: argparse.Namespace) -> int:
    # cheap checks first (no I/O): symptoms and specs, then the target, then --request
    parse_symptoms(args.symptom)
    parse_objects(args)
    error = parse_pasted_error(args)
    target = target_from_args(args)
    parse_failing_request(args, target)  # every usage error before any I/O
    if args.replay_writes and args.request is None:
        raise UsageError("--replay-writes needs --request (the request to send for real)")
    whole = not parse_objects(args) and not (error and error.objects)
    from tui.core.probes import openapi_prefetch

    # ask PostgREST now, while the engine loads: the API probe's question, and the OpenAPI
    # document that the whole diagnosis reads
    openapi_prefetch.start(target.api_url, target.api_key, target.timeout, openapi=whole)
    try:
        # the database side too, once psycopg is in (before httpx and the checks); the whole
        # catalog unless objects are named (a request names some: a scoped catalog)
        from tui.core.probes import db_prefetch

        try:
            db_prefetch.start(target, whole_catalog=whole and args.request is None)
            return _run(args, target, error)
        finally:
            db_prefetch.stop()
    finally:  # finished, failed or interrupted: nothing is left reading
        openapi_prefetch.stop()


def _run(args: argparse.Namespace, target: Target, error: PastedError | None) -> int:
    request = build_request(args, target)

    from tui.cli.remedy_output import open_journal
    from tui.core.shown import clean, json_text
    from tui.core.transcript.records import record_report, record_target

    startup.loaded()  # the engine is in: the collector resumes (core/startup.py)
    journal = open_journal("check", target)
    try:
        if journal is not None:
            record_target(journal, target)
            journal.record("symptom", _asked(request), actor="user")
        report, instances = interrupts.run(_diagnose(target, request, progress=not args.json))
        named = instances[0].error_objects
        if journal is not None:
            record_report(journal, report)
    finally:
        if journal is not None:
            journal.close()
    if args.json:
        data = {**report.to_json(), "instances": [i.to_json() for i in instances]}
        if error is not None:
            data["pasted_error"] = error.to_json(named)
        sys.stdout.write(json_text(data) + "\n")
        sys.stdout.flush()
    elif not report.config_error:
        if error is not None:
            print(clean(error.intake_line(named)))
        if len(instances) > 1:
            print_instances(instances)
        print_report(report, verbose=args.verbose, target=target)
    if report.config_error:  # bad input: one clear line, exit 2
        print(f"pgrst-doctor: {clean(report.config_error, lines=False)}", file=sys.stderr)
    return report.exit_code


def _asked(request: Any) -> dict[str, Any]:
    """What the user asked about, for the transcript."""
    return {
        "symptoms": list(request.symptoms),
        "objects": [ref.display for ref in request.objects],
        "request": request.request.display if request.request else None,
        "error": request.error.message if request.error else None,
    }


async def _diagnose(
    target: Target, request: DiagnosisRequest, *, progress: bool
) -> tuple[Report, list[InstanceReport]]:
    """The (merged) report and every instance's; the first holds the pasted error's objects
    as its diagnosis qualified them."""
    from tui.core import fleet

    if not (progress and sys.stderr.isatty()):
        return await fleet.diagnose(target, request)
    from rich.console import Console

    with Console(stderr=True).status("probing the database and PostgREST…"):
        return await fleet.diagnose(target, request)


def print_instances(instances: list[InstanceReport]) -> None:
    """One line per instance, each judged on its own, before the worst one's report."""
    from tui.core.target import mask_url

    print(f"{len(instances)} PostgREST instances, each judged on its own:")
    for i in instances:
        r = i.report
        stale = f", {len(r.stale_objects)} stale" if r.stale_objects else ""
        version = r.postgrest_version or "?"
        print(f"  {mask_url(i.api_url)}  {r.verdict}  (PostgREST {version}{stale})")
    print()


def print_report(report: Report, *, verbose: bool, target: Target | None) -> None:
    from rich.console import Console

    from tui.cli.render import render_report
    from tui.core.shown import shield

    Console(highlight=False, soft_wrap=False).print(
        render_report(shield(report, masked=False), verbose=verbose, target=target),
        crop=False,  # fixes are never cut (render.unwrapped)
    )
