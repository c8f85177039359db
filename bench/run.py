"""Benchmark: every operation the issue names, at two sizes, in one table (``make bench``).

Datasets (built once and kept under ``.bench/``, rebuilt with ``BENCH_REBUILD=1`` or when the
migrations or the generator's parameters change):

- ``reference``: the BOMCA 10 reference data (``bomca init``), on SQLite;
- ``portfolio``: the reference data and a generated portfolio of ``BENCH_PROGRAMMES`` (50)
  programmes over ``BENCH_YEARS`` (10) years, seed 1 (``bomca generate``), on SQLite and on
  PostgreSQL (a cluster of its own under ``.bench/pg``, started for the run and stopped after).

``BENCH_DATASETS`` picks some (e.g. ``reference-sqlite,portfolio-sqlite``) and
``BENCH_OPERATIONS`` some operations (``figures,pages,newsletter,iati,import``). Each dataset
is measured in a process of its own by bench/operations.py (see there for how each operation
and its bare path are timed). The table gives, per operation and dataset, the median and the
95th percentile of the runs, the bare path's median, their ratio, and the issue's target.
The other scripts under bench/ go deeper into one subject each (the API under load with
gunicorn and wrk, the IATI export's memory at 1 to 100 programmes, the newsletter's stages).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(os.environ.get("BENCH_STORE", ROOT / ".bench"))
PYTHON = sys.executable
BOMCA = str(Path(PYTHON).with_name("bomca"))
PROGRAMMES = int(os.environ.get("BENCH_PROGRAMMES", "50"))
YEARS = int(os.environ.get("BENCH_YEARS", "10"))
SEED = 1
DATASETS = ("reference-sqlite", "portfolio-sqlite", "portfolio-postgresql")

#: operation -> (target in seconds or None, target ratio to bare or None), on the portfolio.
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "dashboard figures, one quarter": (0.150, 1.5),
    "dashboard figures, one quarter, kept": (0.150, None),
    "dashboard figures, whole programme": (0.500, 1.5),
    "activity list page, 50 rows with filters": (0.150, None),
    "API activity list, 100 rows": (None, None),
    "newsletter PDF, one quarter": (5.0, None),
    "IATI export, one programme": (10.0, None),
    "participant import, 100,000 rows": (20.0, 2.5),
}


def main() -> int:
    chosen = os.environ.get("BENCH_DATASETS", ",".join(DATASETS)).split(",")
    results: list[dict[str, Any]] = []
    for name in chosen:
        size, engine = name.split("-")
        print(f"# {name}", file=sys.stderr, flush=True)
        if engine == "postgresql":
            with postgres() as url:
                env = {"DATABASE_URL": url}
                build(size, env)
                results += measure(name, env)
        else:
            env = {"BOMCA_VAR_DIR": str(STORE / name)}
            build(size, env)
            results += measure(name, env)
    print_table(results)
    return 0


# Datasets


def fingerprint(size: str) -> str:
    """What the dataset depends on: the migrations and, for the portfolio, the generator."""
    parts = sorted(
        str(path.relative_to(ROOT)) + hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (ROOT / "src" / "bomca").glob("*/migrations/0*.py")
    )
    parts.append((ROOT / "src/bomca/reference/data/bomca10.json").read_text(encoding="utf-8"))
    if size == "portfolio":
        parts.append(f"{PROGRAMMES}x{YEARS} seed {SEED}")
        for path in sorted((ROOT / "src/bomca/generate").rglob("*.py")):
            parts.append(hashlib.sha256(path.read_bytes()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def build(size: str, env: dict[str, str]) -> None:
    stamp = STORE / f"{size}-{'postgresql' if 'DATABASE_URL' in env else 'sqlite'}.stamp"
    wanted = fingerprint(size)
    if stamp.exists() and stamp.read_text() == wanted and not os.environ.get("BENCH_REBUILD"):
        return
    stamp.unlink(missing_ok=True)
    full = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    if "BOMCA_VAR_DIR" in env:
        shutil.rmtree(env["BOMCA_VAR_DIR"], ignore_errors=True)
        Path(env["BOMCA_VAR_DIR"]).mkdir(parents=True)
    else:
        recreate_database(env["DATABASE_URL"])
    started = time.perf_counter()
    subprocess.run([BOMCA, "init"], env=full, check=True, stdout=subprocess.DEVNULL)
    if size == "portfolio":
        subprocess.run(
            [
                BOMCA,
                "generate",
                "--programmes",
                str(PROGRAMMES),
                "--years",
                str(YEARS),
                "--seed",
                str(SEED),
            ],
            env=full,
            check=True,
        )
    print(f"  built {size} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    STORE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted)


def measure(name: str, env: dict[str, str]) -> list[dict[str, Any]]:
    full = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    process = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "operations.py")],
        env=full,
        check=False,
        stdout=subprocess.PIPE,
        text=True,
    )
    rows = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    header, operations = rows[0], rows[1:]
    print(f"  {name}: {header}", file=sys.stderr)
    for row in operations:
        if "error" in row:
            print(f"  {name}: {row['operation']} failed: {row['error']}", file=sys.stderr)
    return [{**row, "dataset": name, "header": header} for row in operations if "error" not in row]


# A PostgreSQL cluster kept between runs


class postgres:
    """Start the cluster under ``.bench/pg`` (made on first use) on a free port; stop it after."""

    def __enter__(self) -> str:
        self.bindir = _pg_bindir()
        self.data = STORE / "pg"
        self.run: list[str] = []
        if os.getuid() == 0:
            self.run = ["runuser", "-u", "postgres", "--"]
        STORE.mkdir(parents=True, exist_ok=True)
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            if self.run:
                shutil.chown(self.data, "postgres")
            subprocess.run(
                [
                    *self.run,
                    f"{self.bindir}/initdb",
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # Production-like durability settings: fsync on (the import's writes count).
        options = (
            f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=1GB -c work_mem=64MB"
        )
        subprocess.run(
            [
                *self.run,
                f"{self.bindir}/pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.data / "server.log"),
                "-w",
                "-o",
                options,
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgresql://postgres@127.0.0.1:{self.port}/bomca"
        os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
        if not _database_exists(url):
            recreate_database(url)
        return url

    def __exit__(self, *exc: object) -> None:
        subprocess.run(
            [*self.run, f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )


def _pg_bindir() -> str:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        raise SystemExit("PostgreSQL 15+ server binaries not found (Debian: postgresql-15)")
    return str(found[-1].parent)


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _database_exists(url: str) -> bool:
    with _admin(url) as connection:
        return (
            connection.execute("SELECT 1 FROM pg_database WHERE datname = 'bomca'").fetchone()
            is not None
        )


def recreate_database(url: str) -> None:
    with _admin(url) as connection:
        connection.execute("DROP DATABASE IF EXISTS bomca")
        connection.execute("CREATE DATABASE bomca")


# The table


def print_table(results: list[dict[str, Any]]) -> None:
    load = os.getloadavg()[0]
    print(
        f"\n## Benchmarks ({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at the end)\n"
    )
    datasets = {}
    for row in results:
        datasets[row["dataset"]] = row["header"]
    for name, header in datasets.items():
        size = header["dataset"]
        print(
            f"- **{name}**: {size['programmes']} programmes, {size['activities']:,} activities, "
            f"{size['participants']:,} participants, {size['attendance']:,} attendance rows; "
            f"measured on {header['programme']} {header['quarter']}"
        )
    print()
    print("| operation | dataset | median | p95 | bare (median) | ratio | target | met |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for row in sorted(
        results,
        key=lambda r: (
            list(TARGETS).index(r["operation"]) if r["operation"] in TARGETS else 99,
            r["dataset"],
        ),
    ):
        runs = row["runs"]
        median = statistics.median(runs)
        bare = statistics.median(row["bare"]) if row.get("bare") else None
        ratio = median / bare if bare else None
        seconds_target, ratio_target = TARGETS.get(row["operation"], (None, None))
        target_text, met = _target(row["dataset"], median, ratio, seconds_target, ratio_target)
        print(
            f"| {row['operation']} | {row['dataset']} | {_time(median)} | {_time(_p95(runs))} "
            f"| {_time(bare) if bare else '—'} | {f'{ratio:.2f}' if ratio else '—'} "
            f"| {target_text} | {met} |"
        )
    print(
        "\nbare: figures, pages, API and IATI replay the very SQL our code sent, every row "
        "fetched; PDF is WeasyPrint alone on the same HTML; import is a calamine read and a raw "
        "bulk insert. Targets apply to the full portfolio (warm)."
    )
    extras = [row for row in results if "rss_growth_mb" in row]
    for row in extras:
        print(
            f"IATI export on {row['dataset']}: {row['detail']}, "
            f"resident memory grew {row['rss_growth_mb']} MB."
        )


def _target(
    dataset: str, median: float, ratio: float | None, seconds: float | None, times: float | None
) -> tuple[str, str]:
    parts = []
    if seconds is not None:
        parts.append(f"< {_time(seconds)}")
    if times is not None:
        parts.append(f"≤ {times}× bare")
    if not parts:
        return "—", ""
    if not dataset.startswith("portfolio"):
        return " and ".join(parts), "(reference)"
    ok = (seconds is None or median < seconds) and (
        times is None or (ratio is not None and ratio <= times)
    )
    return " and ".join(parts), "yes" if ok else "**no**"


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


if __name__ == "__main__":
    sys.exit(main())
