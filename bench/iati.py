"""Benchmark: IATI export of 1, 10 and 100 times the reference data; memory must stay flat.

The reference dataset (BOMCA 10) is loaded once, then cloned into more programmes by the same
dataset loader (every code, reference and contract number suffixed so that each copy is a
programme of its own, with its activities, procurement, grants, results framework, IATI
settings, budgets and transactions). The export (``iati_export``, what ``bomca iati export
--all`` runs) then writes 1, 10 and 100 programmes (5 IATI activities each: the programme and
its 4 components), each size in a fresh process after a warm-up export of one programme. For
each size the table gives the file's size, the time, and how much the process's peak resident
memory grew during the export (which counts lxml's C buffers as well as Python objects).

Streaming means that growth does not follow the size: each activity's elements are written and
freed before the next. For comparison, the largest file is parsed into one lxml tree, the
memory a non-streaming export would hold.

Run with ``make bench`` (or ``.venv/bin/python bench/iati.py``); throwaway SQLite database.
``BENCH_COPIES`` (default 100) sets the largest size.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COPIES = int(os.environ.get("BENCH_COPIES", "100"))


def setup_database(work: Path) -> None:
    os.environ["BOMCA_VAR_DIR"] = str(work)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bomca.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def cloned(data: dict[str, Any], copy: int) -> dict[str, Any]:
    """The dataset as another programme: codes made unique, people and newsletters left out."""
    tag = f"X{copy:03d}"
    clone = json.loads(json.dumps(data))
    clone.pop("synthetic_attendance", None)
    clone["newsletters"] = []
    clone["programme"]["code"] = f"BOMCA10{tag}"
    for activity in clone["activities"]:
        activity["code"] = f"{activity['code']}-{tag}"
    for need in clone["procurement"]:
        need["reference"] = f"{need['reference']}-{tag}"
    for call in clone["grants"]:
        call["reference"] = f"{call['reference']}-{tag}"
        for application in call["applications"]:
            if "project" in application:
                project = application["project"]
                project["contract_number"] = f"{project['contract_number']}-{tag}"
    for publication in clone.get("iati", []):
        publication["identifier"] = f"{publication['identifier']}-{tag}"
    return clone


def load_copies(total: int) -> None:
    """The reference data, and clones of it until ``total`` programmes are there."""
    from bomca.dataset import dataset_load, dataset_read, reference_dataset_path
    from bomca.reference.models import Programme

    data = dataset_read(reference_dataset_path())
    if not Programme.objects.exists():
        dataset_load()
    have = Programme.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        for copy in range(have, total):
            path = Path(folder) / f"copy-{copy}.json"
            path.write_text(json.dumps(cloned(data, copy)), encoding="utf-8")
            dataset_load(path=path)


def measure(work: Path, size: int) -> dict[str, Any]:
    """In this (fresh) process: export ``size`` programmes after a warm-up of one; the time and
    the growth of the resident memory (which counts lxml's C buffers too) during the export."""
    import resource

    from bomca.iati.export import iati_export
    from bomca.reference.models import Programme

    programmes = list(Programme.objects.order_by("pk")[:size])
    iati_export(programmes=programmes[:1], out=work / "warm-up.xml")  # imports, caches
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    output = work / f"iati-{size}.xml"
    started = time.perf_counter()
    report = iati_export(programmes=programmes, out=output)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "bytes": output.stat().st_size,
        "rss_before_kb": before,
        "rss_growth_kb": after - before,
        "tree_kb": tree_rss_kb(output),
        **vars(report),
    }


def _rss_kb() -> int:
    """The process's current resident memory (Linux), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_kb(path: Path) -> int:
    """Resident memory of holding the same file as one lxml tree (what streaming avoids)."""
    from lxml import etree

    gc.collect()
    before = _rss_kb()
    tree = etree.parse(str(path))
    sum(1 for _ in tree.iter())
    grown = _rss_kb() - before
    del tree
    return grown


def validate(path: Path) -> tuple[int, float]:
    from bomca.iati.validation import validate_file

    started = time.perf_counter()
    problems = validate_file(path)
    errors = sum(problem.severity == "error" for problem in problems)
    return errors, time.perf_counter() - started


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        work, size = Path(sys.argv[2]), int(sys.argv[3])
        setup_database(work)
        print(json.dumps(measure(work, size)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bomca-bench-iati-") as folder:
        work = Path(folder)
        setup_database(work)
        sizes = [size for size in (1, 10, 100) if size <= COPIES] or [COPIES]
        rows = []
        for size in sizes:
            started = time.perf_counter()
            load_copies(size)
            print(
                f"{size} programme(s) loaded in {time.perf_counter() - started:.1f} s", flush=True
            )
            measured = subprocess.run(
                [sys.executable, __file__, "--measure", str(work), str(size)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(measured.stdout.strip().splitlines()[-1])
            errors, validation_seconds = validate(work / f"iati-{size}.xml")
            rows.append((size, result, errors, validation_seconds))
        print()
        print(
            "| programmes | IATI activities | transactions | indicator periods | file | export "
            "| memory growth during the export | the file as one lxml tree | errors | validation |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size, result, errors, validation_seconds in rows:
            print(
                f"| {size} | {result['activities']} | {result['transactions']} | "
                f"{result['indicator_periods']} | {result['bytes'] / 1e6:.2f} MB | "
                f"{result['seconds']:.1f} s | {result['rss_growth_kb'] / 1024:.1f} MB "
                f"(of {result['rss_before_kb'] / 1024:.0f} MB) | "
                f"{result['tree_kb'] / 1024:.1f} MB | {errors} | "
                f"{validation_seconds:.1f} s |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
