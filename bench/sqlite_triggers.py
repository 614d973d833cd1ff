"""What the content-generation triggers cost a bulk load on SQLite.

On SQLite the counter behind ``kazmonitor.generation`` is raised by a trigger per row
(SQLite has no statement-level triggers); on PostgreSQL once per statement. This loads
the same generated data (``generate_data --scale``) into two copies of one migrated
SQLite database, one with the triggers and one without, alternating rounds, and prints
the load times side by side. Run from the project folder:

    .venv/bin/python bench/sqlite_triggers.py [--scale 0.01] [--rounds 3]
"""

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, ROOT

ENV = {**os.environ, "DEBUG": "1", "LOG_LEVEL": "WARNING"}


def manage(database: Path, *args: str) -> float:
    """CPU seconds (user + system) of the command: steadier than wall time on a busy machine."""
    started = _children_cpu()
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env={**ENV, "DATABASE_URL": f"sqlite:///{database}"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _children_cpu() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def drop_triggers(database: Path) -> int:
    with sqlite3.connect(database) as db:
        names = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        for name in names:
            db.execute(f'DROP TRIGGER "{name}"')
    return len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="0.01", help="generate_data scale (default 0.01: 2,000 cases)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.sqlite3"
        manage(template, "migrate", "--no-input")
        manage(template, "createcachetable")
        times: dict[str, list[float]] = {"with triggers": [], "without triggers": []}
        triggers = 0
        for _round in range(args.rounds):
            for label in times:
                copy = Path(folder) / "copy.sqlite3"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{copy}{suffix}").unlink(missing_ok=True)
                shutil.copy(template, copy)
                if label == "without triggers":
                    triggers = drop_triggers(copy)
                times[label].append(manage(copy, "generate_data", "--scale", args.scale, "--seed", "1"))
    with_, without = (statistics.median(values) for values in times.values())
    print(f"generate_data --scale {args.scale} on SQLite: CPU seconds, median of {args.rounds} alternating rounds")
    print(f"{triggers} triggers (one per table and operation)")
    for label, values in times.items():
        print(f"  {label:<17} {statistics.median(values):6.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")
    print(f"  ratio             {with_ / without:6.2f}×")


if __name__ == "__main__":
    main()
