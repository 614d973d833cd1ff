"""Benchmark of backup and restore (export_data / import_data) on synthetic data.

    DEBUG=1 .venv/bin/python bench/exchange.py --scale 0.01            # SQLite files in a temp folder
    DEBUG=1 .venv/bin/python bench/exchange.py --scale 0.01 --postgres postgres://postgres@127.0.0.1:5432

Fills database A with ``generate_data --scale``, exports it at the internal level,
imports the file into an empty database B, exports B again and checks that both
files hold the same records. Prints the figures. With ``--postgres`` it creates and
drops two databases (kz_bench_a, kz_bench_b) on that server.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def manage(database_url: str, *args: str) -> float:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url}
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def postgres(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="0.01", help="generate_data scale (1.0 = 100,000 persons)")
    parser.add_argument(
        "--postgres", help="server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if options.postgres:
            server = options.postgres.rstrip("/")
            for name in ("kz_bench_a", "kz_bench_b"):
                postgres(server, f"DROP DATABASE IF EXISTS {name}")
                postgres(server, f"CREATE DATABASE {name}")
            first, second = f"{server}/kz_bench_a", f"{server}/kz_bench_b"
        else:
            first, second = f"sqlite:///{folder / 'a.sqlite3'}", f"sqlite:///{folder / 'b.sqlite3'}"
        try:
            for url in (first, second):
                manage(url, "migrate", "--verbosity", "0")
                manage(url, "createcachetable")
            generate = manage(first, "generate_data", "--scale", options.scale)
            exported = manage(first, "export_data", "--level", "internal", "--output", str(folder / "a.json"))
            imported = manage(second, "import_data", str(folder / "a.json"))
            manage(second, "export_data", "--level", "internal", "--output", str(folder / "b.json"))

            a = json.loads((folder / "a.json").read_text(encoding="utf-8"))
            b = json.loads((folder / "b.json").read_text(encoding="utf-8"))
            records = sum(len(rows) for rows in a["records"].values())
            size = (folder / "a.json").stat().st_size / 1024 / 1024
            same = a["records"] == b["records"]
        finally:
            if options.postgres:
                for name in ("kz_bench_a", "kz_bench_b"):
                    postgres(server, f"DROP DATABASE IF EXISTS {name}")

    backend = "PostgreSQL" if options.postgres else "SQLite"
    print(f"backend: {backend}, generate_data --scale {options.scale}: {generate:.1f} s")
    print(f"records in the file: {records:,} ({size:.1f} MB)")
    for label, rows in a["records"].items():
        if rows:
            print(f"  {label}: {len(rows):,}")
    print(f"export_data --level internal: {exported:.1f} s ({records / exported:,.0f} records/s, incl. start-up)")
    print(f"import_data into an empty database: {imported:.1f} s ({records / imported:,.0f} records/s)")
    print(f"re-exported file identical: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
