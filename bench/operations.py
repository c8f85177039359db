"""The operations of ``bench/run.py``, measured in one process against one prepared database.

Run by ``bench/run.py`` once per dataset (reference data on SQLite; the generated portfolio on
SQLite and on PostgreSQL), with the database chosen by the environment (``BOMCA_VAR_DIR`` or
``DATABASE_URL``). Prints one JSON object per operation on standard output:

    {"operation": ..., "runs": [seconds, ...], "bare": [seconds, ...], "bare_label": ..., ...}

Each operation runs once to warm up (imports, caches of the interpreter and the database), then
``BENCH_RUNS`` (7) times, or ``BENCH_HEAVY_RUNS`` (3) times for the newsletter PDF and the
import. The *bare* path is the engine doing the same work without the product:

- figures, lists, the API and the IATI export: the very SQL statements our code sent (caught
  with ``connection.execute_wrapper``), sent again with their parameters and every row fetched;
- the newsletter PDF: WeasyPrint alone on the same HTML;
- the import: a python-calamine read of the same file and a raw bulk insert of its rows
  (bench/import.py's bare path).

Nothing is left behind: the import and the newsletter issue it may need are rolled back.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
HEAVY_RUNS = int(os.environ.get("BENCH_HEAVY_RUNS", "3"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bomca.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()


# Measuring


class Statements:
    """The SQL statements (with their parameters) sent while the block ran."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not many:
            self.sent.append((sql, params))
        return execute(sql, params, many, context)


@contextmanager
def caught() -> Iterator[Statements]:
    from django.db import connection

    statements = Statements()
    with connection.execute_wrapper(statements):
        yield statements


def replay(statements: Statements) -> Callable[[], None]:
    """The bare engine: the same statements sent again through a plain cursor, every row
    fetched (reads only: writes, savepoints and the session's bookkeeping are left out)."""
    from django.db import connection

    reads = [
        (sql, params)
        for sql, params in statements.sent
        if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in reads:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def timed(function: Callable[[], Any], runs: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def emit(
    operation: str, runs: list[float], bare: list[float] | None, bare_label: str, **extra: Any
) -> None:
    print(
        json.dumps(
            {"operation": operation, "runs": runs, "bare": bare, "bare_label": bare_label, **extra}
        ),
        flush=True,
    )


def measure_against_sql(
    operation: str, function: Callable[[], Any], runs: int = RUNS, **extra: Any
) -> None:
    """``function`` against the replay of the SQL it sends."""
    function()
    with caught() as statements:
        function()
    bare = replay(statements)
    emit(
        operation,
        timed(function, runs),
        timed(bare, runs),
        "the same SQL, raw",
        queries=len(statements.sent),
        **extra,
    )


# Choosing what to measure


def busiest() -> tuple[Any, Any]:
    """The programme with the most activities, and its quarter with the most implemented ones
    (the heaviest dashboard a user can ask for)."""
    from django.db.models import Count

    from bomca.activities.models import Activity, Status
    from bomca.core.periods import quarter_of
    from bomca.reference.models import Programme

    row = (
        Activity.objects.values("programme")
        .annotate(n=Count("pk"))
        .order_by("-n", "programme")
        .first()
    )
    assert row is not None, "no activities: load the data first"
    programme = Programme.objects.get(pk=row["programme"])
    starts = Activity.objects.filter(programme=programme, status=Status.IMPLEMENTED).values_list(
        "start_date", flat=True
    )
    counts: dict[Any, int] = {}
    for day in starts.iterator():
        quarter = quarter_of(day)
        counts[quarter] = counts.get(quarter, 0) + 1
    quarter = max(
        sorted(counts, key=lambda period: period.start), key=lambda period: counts[period]
    )
    return programme, quarter


def whole(programme: Any) -> Any:
    from bomca.core.periods import Period, period_label

    start, end = programme.start_date, programme.end_date
    return Period(start=start, end=end, label=period_label(start, end))


def manager() -> Any:
    from bomca.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.PROGRAMME_MANAGER}
    )
    return user


# The operations


def figures(programme: Any, quarter: Any) -> None:
    from bomca.reporting.selectors import key_figures

    counted: dict[str, Any] = {}

    def of_quarter() -> Any:
        counted["figures"] = key_figures(programme=programme, period=quarter)
        return counted["figures"]

    measure_against_sql(
        "dashboard figures, one quarter",
        of_quarter,
        detail=f"{programme.code} {quarter.label}",
    )
    from django.conf import settings

    from bomca.reporting.selectors import key_figures_cached

    if settings.BOMCA_FIGURES_CACHE:
        # What a dashboard asks between two changes of the records: the kept figures.
        emit(
            "dashboard figures, one quarter, kept",
            timed(lambda: key_figures_cached(programme=programme, period=quarter), RUNS),
            None,
            "",
            detail=f"{programme.code} {quarter.label}",
        )
    span = whole(programme)
    measure_against_sql(
        "dashboard figures, whole programme",
        lambda: key_figures(programme=programme, period=span),
        detail=f"{programme.code} {span.label}",
    )


def pages(programme: Any, quarter: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(manager())
    country = programme.countries.order_by("code").first()
    query = {
        "programme": programme.code,
        "period": quarter.label[:4],  # the quarter's year: enough rows for a full page
        "country": country.code if country else "",
        "per_page": "50",
    }

    def register() -> Any:
        response = client.get("/activities/", query)
        assert response.status_code == 200, response.status_code
        return response

    measure_against_sql(
        "activity list page, 50 rows with filters",
        register,
        detail=f"{programme.code} {query['period']} {query['country']}",
    )

    def api_list() -> Any:
        response = client.get(
            "/api/v1/activities", {"programme": programme.code, "page_size": "100"}
        )
        assert response.status_code == 200, response.content[:200]
        return response

    measure_against_sql("API activity list, 100 rows", api_list, detail=programme.code)


def newsletter(programme: Any, quarter: Any) -> None:
    from django.db import transaction
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from bomca.reporting import charts
    from bomca.reporting.models import NewsletterIssue
    from bomca.reporting.newsletter import newsletter_html, newsletter_pdf
    from bomca.reporting.services import newsletter_issue_create, newsletter_next_number

    with transaction.atomic():
        issue = NewsletterIssue.objects.filter(
            programme=programme, period_code=quarter.label
        ).first()
        if issue is None:
            issue = newsletter_issue_create(
                programme=programme,
                number=newsletter_next_number(programme=programme),
                period_code=quarter.label,
                featured_title_en="Benchmark issue (synthetic)",
            )

        def ours() -> bytes:
            charts._render_svg.cache_clear()
            return newsletter_pdf(issue, language="en")

        charts._render_svg.cache_clear()
        html = newsletter_html(issue, language="en", standalone=True, for_print=True)

        def bare() -> bytes:
            fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
            return bytes(HTML(string=html, url_fetcher=fetcher).write_pdf())

        emit(
            "newsletter PDF, one quarter",
            timed(ours, HEAVY_RUNS),
            timed(bare, HEAVY_RUNS),
            "WeasyPrint alone on the same HTML",
            detail=f"{programme.code} {quarter.label}",
        )
        transaction.set_rollback(True)


def iati(programme: Any) -> None:
    from bomca.iati.export import iati_export

    work = Path(tempfile.mkdtemp(prefix="bomca-bench-iati-"))
    output = work / "export.xml"
    iati_export(programmes=[programme], out=output)  # warm-up
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def ours() -> Any:
        return iati_export(programmes=[programme], out=output)

    with caught() as statements:
        ours()
    runs = timed(ours, HEAVY_RUNS)
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    emit(
        "IATI export, one programme",
        runs,
        timed(replay(statements), HEAVY_RUNS),
        "the same SQL, raw",
        detail=f"{programme.code}, {output.stat().st_size / 1e6:.1f} MB",
        queries=len(statements.sent),
        rss_growth_mb=round(growth / 1024, 1),
    )


def participant_import(programme: Any) -> None:
    sys.path.insert(0, str(BENCH))
    import importlib

    from django.db import transaction

    from bomca.activities.models import Activity, Status
    from bomca.imports.services import participants_import

    bench_import = importlib.import_module("import")
    data = bench_import.make_file(IMPORT_ROWS)
    activity = (
        Activity.objects.filter(programme=programme, status=Status.IMPLEMENTED)
        .order_by("-start_date", "code")
        .first()
    )
    assert activity is not None

    def ours() -> None:
        with transaction.atomic():
            result = participants_import(
                data=data, filename="bench.xlsx", activity=activity, dry_run=False
            )
            assert result.imported, result.problems[:3]
            transaction.set_rollback(True)

    def bare() -> None:
        with transaction.atomic():
            bench_import.bare_insert(data, activity)
            transaction.set_rollback(True)

    runs = [_once(ours) for _ in range(HEAVY_RUNS)]
    bares = [_once(bare) for _ in range(HEAVY_RUNS)]
    emit(
        f"participant import, {IMPORT_ROWS:,} rows",
        runs,
        bares,
        "calamine read + raw bulk insert",
        detail=f"into {activity.code}",
    )


def _once(function: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


OPERATIONS = ("figures", "pages", "newsletter", "iati", "import")


def main() -> int:
    setup()
    chosen = set(os.environ.get("BENCH_OPERATIONS", ",".join(OPERATIONS)).split(","))
    programme, quarter = busiest()
    print(
        json.dumps(
            {"dataset": _dataset_summary(), "programme": programme.code, "quarter": quarter.label}
        ),
        flush=True,
    )
    steps: dict[str, Callable[[], None]] = {
        "figures": lambda: figures(programme, quarter),
        "pages": lambda: pages(programme, quarter),
        "newsletter": lambda: newsletter(programme, quarter),
        "iati": lambda: iati(programme),
        "import": lambda: participant_import(programme),
    }
    failed = 0
    for name, step in steps.items():
        if name not in chosen:
            continue
        try:
            step()
        except Exception as error:  # one failed operation must not hide the others' figures
            failed += 1
            print(json.dumps({"operation": name, "error": f"{type(error).__name__}: {error}"}))
    return 1 if failed else 0


def _dataset_summary() -> dict[str, int]:
    from bomca.activities.models import Activity
    from bomca.people.models import Attendance, Participant
    from bomca.reference.models import Programme

    return {
        "programmes": Programme.objects.count(),
        "activities": Activity.objects.count(),
        "participants": Participant.objects.count(),
        "attendance": Attendance.objects.count(),
    }


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


if __name__ == "__main__":
    sys.exit(main())
