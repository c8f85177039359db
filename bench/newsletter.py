"""Benchmark: build the newsletter PDF of 2023Q2 in a warm process.

Two sizes: the BOMCA 10 reference data (25 activities in the quarter) and 100 times as many
records (2,500 synthetic activities with their participant counts). For each, the time of the
whole build (figures, charts, HTML, PDF) and of its parts, and the share spent in WeasyPrint
laying out the very same HTML. Chart rendering is cached by specification in the app; the cache
is cleared before every run so that each run draws every chart, as after a change of records.

Run with ``make bench`` (or ``.venv/bin/python bench/newsletter.py``); it uses a throwaway
SQLite database and touches nothing else.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SCALE = 100


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bomca-bench-"))
    os.environ["BOMCA_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bomca.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bomca.dataset import dataset_load

    dataset_load()
    rows = [measure("reference data (25 activities)")]
    add_synthetic_activities(SCALE - 1)
    rows.append(measure(f"{SCALE}x records (2,500 activities)"))
    print_table(rows)
    return 0


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def measure(label: str) -> dict[str, object]:
    from pypdf import PdfReader
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from bomca.core.periods import parse_period
    from bomca.reporting import charts
    from bomca.reporting.models import NewsletterIssue
    from bomca.reporting.newsletter import newsletter_html, newsletter_pdf
    from bomca.reporting.selectors import key_figures

    issue = NewsletterIssue.objects.get(number=6)
    period = parse_period("2023Q2")
    newsletter_pdf(issue, language="en")  # warm: imports, fonts, the Vega runtime
    totals, weasy, figure_times, html_times, pages = [], [], [], [], 0
    for _ in range(RUNS):
        charts._render_svg.cache_clear()
        total, pdf = timed(lambda: newsletter_pdf(issue, language="en"))
        totals.append(total)
        charts._render_svg.cache_clear()
        seconds, figures = timed(lambda: key_figures(programme=issue.programme, period=period))
        figure_times.append(seconds)
        charts._render_svg.cache_clear()
        seconds, html = timed(
            partial(
                newsletter_html,
                issue,
                language="en",
                standalone=True,
                for_print=True,
                figures=figures,
            )
        )
        html_times.append(seconds)
        fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
        seconds, _pdf = timed(HTML(string=html, url_fetcher=fetcher).write_pdf)
        weasy.append(seconds)
        pages = len(PdfReader(io.BytesIO(bytes(pdf))).pages)
    return {
        "label": label,
        "activities": figures.activities.total,
        "pages": pages,
        "total": totals,
        "figures": figure_times,
        "html": html_times,
        "weasyprint": weasy,
    }


def add_synthetic_activities(copies: int) -> None:
    """``copies`` synthetic twins of each 2023Q2 activity, with their participant counts."""
    from django.db import transaction

    from bomca.activities.models import Activity
    from bomca.core.models import Source
    from bomca.people.models import ParticipantCount

    originals = list(
        Activity.objects.filter(start_date__year=2023, start_date__month__lte=6)
        .prefetch_related("participant_counts")
        .order_by("code")
    )
    with transaction.atomic():
        for copy in range(1, copies + 1):
            twins = []
            for index, original in enumerate(originals):
                twin = Activity(
                    programme_id=original.programme_id,
                    component_id=original.component_id,
                    code=f"SYN-{copy:03d}-{index:03d}",
                    title_en=f"Synthetic activity {copy}-{index}",
                    activity_type=original.activity_type,
                    scope=original.scope,
                    format=original.format,
                    host_country_id=original.host_country_id,
                    city=original.city,
                    start_date=original.start_date,
                    end_date=original.end_date,
                    status=original.status,
                    delivered_by=original.delivered_by,
                    trainer_country_id=original.trainer_country_id,
                    source=Source.ILLUSTRATIVE,
                    source_note="Synthetic record made by bench/newsletter.py.",
                )
                twins.append(twin)
            Activity.objects.bulk_create(twins, batch_size=200)
            counts = [
                ParticipantCount(
                    activity=twin,
                    country_id=row.country_id,
                    organisation_id=row.organisation_id,
                    female=row.female,
                    male=row.male,
                    unrecorded=row.unrecorded,
                    source=Source.ILLUSTRATIVE,
                )
                for twin, original in zip(twins, originals, strict=True)
                for row in original.participant_counts.all()
            ]
            ParticipantCount.objects.bulk_create(counts, batch_size=150)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(rows: list[dict[str, object]]) -> None:
    print(
        f"\n## Newsletter PDF, 2023Q2, English ({RUNS} runs, warm process, chart cache cleared)\n"
    )
    print(
        "| records | activities | pages | build median (s) | build p95 (s) | figures (s) "
        "| charts + HTML (s) | WeasyPrint alone (s) | WeasyPrint share |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        total = statistics.median(row["total"])  # type: ignore[arg-type]
        weasy = statistics.median(row["weasyprint"])  # type: ignore[arg-type]
        print(
            f"| {row['label']} | {row['activities']} | {row['pages']} | {total:.2f} "
            f"| {_p95(row['total']):.2f} | {statistics.median(row['figures']):.3f} "  # type: ignore[arg-type]
            f"| {statistics.median(row['html']):.2f} | {weasy:.2f} | {100 * weasy / total:.0f}% |"  # type: ignore[arg-type]
        )
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
