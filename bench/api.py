"""Benchmark: the HTTP API under load at 100 times the reference data, against plain Django.

The reference data (BOMCA 10) is loaded once into a throwaway SQLite database, then its
activities are multiplied by 100 inside the same programme with bulk inserts (every activity
and its counts of people copied 99 times, codes suffixed ``-X001`` … ``-X099``): the activity
list and the key figures then work on 100 times the rows. (Cloning the whole programme 100 times,
as bench/iati.py does, would leave the one programme a list or figures call reads at its
original size.)

gunicorn serves the app with 2 sync workers, as ``bomca serve`` does (without the access log),
on loopback. After a warm-up of 3 s per URL, ``wrk`` loads each URL for ``BENCH_SECONDS`` (60)
seconds in all, in ``BENCH_ROUNDS`` (4) slices taken in turn, so that a change in the
machine's load falls on the API and the plain view alike:

- the API's activity list, 100 rows a page, with a manager's read-only token (token check, rate
  limit, filters, scope, counts of people as the role may see them, pages and their links);
- the same 100 rows and count from a plain Django view, ``JsonResponse`` over ``.values()`` of
  the same query (bench/api_plain/urls.py, a URLconf this script alone loads: not in the product);
- the API's key figures of 2023Q2 and the same figures from a plain view.

The table gives requests per second over all slices, the median latency (of the median
slice) and the 99th percentile (of the worst slice), and the ratio of the API to the plain view.
Target: the API list serves at least 0.7 times the plain view's requests per second.

Run with ``make bench`` (or ``.venv/bin/python bench/api.py``). Needs ``wrk`` (Debian:
``apt-get install wrk``). Also ``BENCH_COPIES`` (100) and ``BENCH_CONNECTIONS`` (4).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
COPIES = int(os.environ.get("BENCH_COPIES", "100"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
WARM_UP = 3
PAUSE = 5
WORKERS = 2
TARGET = 0.7


def setup_environment(work: Path) -> None:
    os.environ["BOMCA_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bomca.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    # The rate limit is counted as in production, but never reached.
    os.environ["BOMCA_API_RATE_LIMIT"] = str(10**9)
    sys.path.insert(0, str(BENCH))


def load_data() -> str:
    """The reference data with its activities multiplied; a read-only token of a manager."""
    import django

    django.setup()
    from api_plain.urls import BENCH_USER
    from django.core.management import call_command

    from bomca.accounts.models import Role, User
    from bomca.api.services import token_create
    from bomca.dataset import dataset_load

    call_command("migrate", verbosity=0)
    dataset_load()
    multiply_activities(COPIES)
    user = User.objects.create_user(username=BENCH_USER, role=Role.PROGRAMME_MANAGER)
    _token, secret = token_create(user=user, name="bench", days=1, read_only=True)
    return secret


def multiply_activities(copies: int) -> None:
    """Each activity of the programme, and its counts of people, ``copies - 1`` more times."""
    from django.db import transaction

    from bomca.activities.models import Activity
    from bomca.people.models import ParticipantCount

    originals = list(Activity.objects.all())
    counts = list(ParticipantCount.objects.all())
    with transaction.atomic():
        for copy in range(1, copies):
            clones = [
                _clone(activity, code=f"{activity.code}-X{copy:03d}") for activity in originals
            ]
            by_original = dict(
                zip(
                    (activity.pk for activity in originals),
                    Activity.objects.bulk_create(clones),
                    strict=True,
                )
            )
            ParticipantCount.objects.bulk_create(
                _clone(count, activity=by_original[count.activity_id]) for count in counts
            )


def _clone(record: Any, **changes: Any) -> Any:
    copy = type(record)(
        **{
            field.attname: getattr(record, field.attname)
            for field in record._meta.concrete_fields
            if not field.primary_key
        }
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def serve(work: Path, port: int) -> None:
    """In this process: gunicorn as ``bomca serve`` starts it, with the bench's URLconf."""
    setup_environment(work)
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "api_plain.urls"
    from gunicorn.app.base import BaseApplication

    from bomca.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"127.0.0.1:{port}")
            self.cfg.set("workers", WORKERS)
            self.cfg.set("loglevel", "warning")

        def load(self) -> Any:
            return application

    Server().run()


def wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped before it answered")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


def check(url: str, headers: dict[str, str]) -> int:
    """One request before the load: it must answer 200 (and warms the workers' caches)."""
    import urllib.request

    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"{url}: {response.status}")
    return len(body)


def load(url: str, headers: dict[str, str], *, seconds: int) -> dict[str, float]:
    """wrk's count of requests, its duration and latency percentiles (ms) for ``url``."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency"]
    # wrk gives up on a request after 2 s by default and leaves it out of the latencies.
    command += ["--timeout", "60s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"{url}: answers other than 200, or errors, under load:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"{url}: wrk's output is not understood:\n{output}")
    requests, duration = re.search(r"(\d+) requests in ([\d.]+\w+),", output).groups()  # type: ignore[union-attr]
    return {
        "requests": int(requests),
        "seconds": _ms(duration) / 1000,
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
    }


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    if shutil.which("wrk") is None:
        print("bench/api.py needs wrk, the HTTP load generator: apt-get install wrk (Debian).")
        return 1
    with tempfile.TemporaryDirectory(prefix="bomca-bench-api-") as folder:
        work = Path(folder)
        setup_environment(work)
        started = time.perf_counter()
        secret = load_data()
        from bomca.activities.models import Activity

        print(
            f"{Activity.objects.count()} activities ({COPIES} times the reference data) "
            f"loaded in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(work), str(port)])
        try:
            wait_for(port, server)
            rows = measure(f"http://127.0.0.1:{port}", secret)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print_table(rows)
    list_ratio = rows[0][2]["rps"] / rows[1][2]["rps"]
    verdict = "meets" if list_ratio >= TARGET else "misses"
    print(f"\nThe API list serves {list_ratio:.2f} times the plain view: {verdict} {TARGET}.")
    return 0


def measure(base: str, secret: str) -> list[tuple[str, str, dict[str, float], int]]:
    """Each URL loaded for ``SECONDS`` in all, in ``ROUNDS`` slices taken in turn, so that a
    change in the machine's load falls on the API and the plain view alike."""
    token = {"Authorization": f"Bearer {secret}"}
    cases = [
        ("activity list, API", "/api/v1/activities?page_size=100", token),
        ("activity list, plain view", "/bench/plain/activities", {}),
        ("key figures 2023Q2, API", "/api/v1/figures?period=2023Q2", token),
        ("key figures 2023Q2, plain view", "/bench/plain/figures?period=2023Q2", {}),
    ]
    sizes = [check(base + path, headers) for _name, path, headers in cases]
    # Each worker's first request imports the URLconf, the API and its schemas (seconds): load
    # every URL briefly first, so that no slice counts a worker's start.
    for _name, path, headers in cases:
        load(base + path, headers, seconds=WARM_UP)
    slices: list[list[dict[str, float]]] = [[] for _case in cases]
    for round_ in range(ROUNDS):
        print(f"round {round_ + 1} of {ROUNDS}: {len(cases)} x {SECONDS // ROUNDS} s", flush=True)
        for index, (_name, path, headers) in enumerate(cases):
            slices[index].append(load(base + path, headers, seconds=SECONDS // ROUNDS))
            # wrk leaves requests in the workers' queues when it stops (a figures request
            # takes seconds): let them end, so that the next slice does not wait for them.
            time.sleep(PAUSE)
    return [
        (name, path, combined(results), size)
        for (name, path, _headers), results, size in zip(cases, slices, sizes, strict=True)
    ]


def combined(results: list[dict[str, float]]) -> dict[str, float]:
    """Requests per second over all slices; the median slice's p50 and the worst slice's p99."""
    p50s = sorted(result["p50"] for result in results)
    return {
        "rps": sum(result["requests"] for result in results)
        / sum(result["seconds"] for result in results),
        "p50": p50s[len(p50s) // 2],
        "p99": max(result["p99"] for result in results),
    }


def print_table(rows: list[tuple[str, str, dict[str, float], int]]) -> None:
    print(
        f"\ngunicorn {WORKERS} sync workers, wrk 2 threads {CONNECTIONS} connections, "
        f"{SECONDS} s each in {ROUNDS} slices taken in turn, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| endpoint | URL | answer | requests/s | p50 | p99 | API / plain |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for index, (name, path, result, size) in enumerate(rows):
        ratio = "" if index % 2 else f"{result['rps'] / rows[index + 1][2]['rps']:.2f}"
        print(
            f"| {name} | `{path}` | {size / 1000:.0f} kB | {result['rps']:.1f} | "
            f"{result['p50']:.1f} ms | {result['p99']:.1f} ms | {ratio} |"
        )


if __name__ == "__main__":
    sys.exit(main())
