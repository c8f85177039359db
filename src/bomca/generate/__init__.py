"""``bomca generate``: a deterministic synthetic donor portfolio beside the reference data.

``portfolio_generate(programmes=50, years=10, seed=1)`` adds programmes SYN01 … SYN50, each
over the ``years`` years that end with the reference data's last year, with the shape of the
BOMCA 10 reference data (``generate.shapes``): activities over components, countries and
quarters; counts by sex and named attendance lists of obviously synthetic people; procurement
needs, grants, a results framework and newsletter issues. Every record is marked
``illustrative`` with a note that it is synthetic.

The same seed gives the same rows: each programme's stages draw from their own
``random.Random`` seeded by (seed, programme, stage), so programme 7 is the same in a portfolio
of 10 as in one of 50. Each programme is written in one transaction, in bulk with its history
rows; a portfolio whose codes exist is refused, unless ``resume`` continues an interrupted run
of the same seed and years.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from bomca.core.errors import ApplicationError
from bomca.generate.activities import activities_plan, activities_write
from bomca.generate.common import (
    CODE_PREFIX,
    Run,
    activity_numbers,
    need_numbers,
    note,
    programme_code,
)
from bomca.generate.grants import grants_write
from bomca.generate.iati import iati_write
from bomca.generate.newsletters import newsletters_write
from bomca.generate.people import people_write
from bomca.generate.procurement import procurement_write
from bomca.generate.reference import directory_ensure, programme_create, window_of_reference
from bomca.generate.results import results_write
from bomca.reference.models import Organisation, Programme

#: The stages of each programme, in order, with what a progress bar calls them.
STAGES: dict[str, str] = {
    "programme": "Programmes, components, quarters",
    "activities": "Activities",
    "people": "Participants and attendance",
    "procurement": "Procurement",
    "grants": "Grants",
    "results": "Results frameworks",
    "newsletters": "Newsletter issues",
    "iati": "IATI settings, budgets, transactions",
}
MAX_PROGRAMMES = 999
MAX_YEARS = 30


@dataclass(frozen=True)
class Summary:
    """What a run wrote: the programmes, rows per table (history rows come on top) and time."""

    programmes: tuple[str, ...]
    skipped: tuple[str, ...]
    rows: dict[str, int]
    seconds: float


def portfolio_generate(
    *,
    programmes: int,
    years: int,
    seed: int,
    resume: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Generate the portfolio's programmes, each in a transaction; refused if its codes exist."""
    started = time.perf_counter()
    _check_size(programmes, years)
    codes = [programme_code(number, programmes) for number in range(1, programmes + 1)]
    skipped = _existing(codes, note(seed, years), resume=resume)
    window = window_of_reference(years=years, exclude_prefix=CODE_PREFIX)
    with transaction.atomic():
        directory, organisations = directory_ensure(note(seed, years))
    run = Run(
        seed=seed,
        years=years,
        total=programmes,
        window=window,
        directory=directory,
        activities=activity_numbers(),
        needs=need_numbers(),
    )
    run.rows[Organisation._meta.label] += organisations
    for number, code in enumerate(codes, start=1):
        if code in skipped:
            for stage in STAGES:
                _advance(progress, stage)
            continue
        with transaction.atomic():
            _programme_generate(run, number, code, progress)
    return Summary(
        programmes=tuple(code for code in codes if code not in skipped),
        skipped=tuple(sorted(skipped)),
        rows=dict(sorted(run.rows.items())),
        seconds=time.perf_counter() - started,
    )


def _programme_generate(
    run: Run, number: int, code: str, progress: Callable[[str], None] | None
) -> None:
    plan = programme_create(run, number=number, code=code)
    _advance(progress, "programme")
    planned = activities_plan(run, plan)
    activities_write(run, planned)
    _advance(progress, "activities")
    people_write(run, plan, planned)
    _advance(progress, "people")
    procurement_write(run, plan)
    _advance(progress, "procurement")
    grants_write(run, plan)
    _advance(progress, "grants")
    results_write(run, plan)
    _advance(progress, "results")
    newsletters_write(run, plan, planned)
    _advance(progress, "newsletters")
    iati_write(run, plan)
    _advance(progress, "iati")


def _advance(progress: Callable[[str], None] | None, stage: str) -> None:
    if progress is not None:
        progress(stage)


def _check_size(programmes: int, years: int) -> None:
    if not 1 <= programmes <= MAX_PROGRAMMES:
        raise ApplicationError(f"--programmes is 1 to {MAX_PROGRAMMES}, not {programmes}.")
    if not 1 <= years <= MAX_YEARS:
        raise ApplicationError(f"--years is 1 to {MAX_YEARS}, not {years}.")


def _existing(codes: list[str], run_note: str, *, resume: bool) -> set[str]:
    """The portfolio's programmes that exist already; refused unless resuming the same run."""
    found = dict(Programme.objects.filter(code__in=codes).values_list("code", "source_note"))
    if not found:
        return set()
    names = ", ".join(sorted(found))
    if not resume:
        raise ApplicationError(
            f"Programmes {names} exist already; nothing was written. Generate into a fresh "
            "database, or continue an interrupted run with --resume (same --seed and --years)."
        )
    other = sorted(code for code, text in found.items() if text != run_note)
    if other:
        raise ApplicationError(
            f"Programmes {', '.join(other)} were not generated with this --seed and --years; "
            "nothing was written."
        )
    return set(found)
