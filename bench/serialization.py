"""The API's Python path before and after, side by side, in one run on one database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kz_perf \\
        .venv/bin/python bench/serialization.py --baseline 15e564b

Measures, in-process through Django's test client (anonymous, public level, response
cache off so every response is built): the API root, a page of 50 cases, a case
detail, a person search, and the full CSV export of the case list (rows per second,
CPU per row in this process, and its peak RSS; on PostgreSQL the export is written
by ``COPY``, so most of its work is the database's, not counted in CPU per row).
``--baseline REV`` checks REV out into a temporary git worktree and measures it with
the same script and database; without it only the current tree is measured. Each tree
and each measurement runs in its own process; rounds alternate between the trees
(best round kept), so machine noise hits both alike."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "DEBUG": "1",
    "API_CACHE_SECONDS": "0",
    "API_RATE_ANONYMOUS": "1000000",
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
}


def measure_api(repeat: int) -> dict:
    from django.test import Client

    from cases.models import Case
    from people.models import Person

    client = Client()
    case = Case.objects.visible_to(20).order_by("-pk").first()
    person = Person.objects.visible_to(20).filter(identity_protected=False).order_by("pk").first()
    word = (person.name_latin or person.name).split()[-1]
    urls = {
        "root": "/api/v1/",
        "case list (50)": "/api/v1/cases/?page_size=50",
        "case detail": f"/api/v1/cases/{case.uuid}/",
        f"person search ({word})": f"/api/v1/persons/?q={word}",
    }
    result = {}
    for name, url in urls.items():
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        result[name] = {"ms": statistics.median(times), "best": min(times)}
    return result


def measure_csv(limit: int) -> dict:
    import resource

    from django.test import Client

    from cases.models import Case
    from kazmonitor.models import Visibility

    client = Client()
    warm = client.get("/api/v1/tags/?format=csv")
    b"".join(warm.streaming_content)
    cpu, start = time.process_time(), time.perf_counter()
    response = client.get("/api/v1/cases/?format=csv")
    lines = size = 0
    chunks = iter(response.streaming_content)
    for chunk in chunks:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if limit and lines >= limit:
            break
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    chunks = None
    response.close()
    # Records, not lines (a summary may hold line breaks): all of them unless cut short.
    rows = lines - 1 if limit else Case.objects.visible_to(Visibility.PUBLIC).count()
    return {
        "rows": rows,
        "rows/s": rows / seconds,
        "seconds": seconds,
        "cpu µs/row": cpu / rows * 1e6,
        "MB": size / 1e6,
        "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_measurement(what: str, args) -> None:
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kazmonitor.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    result = measure_api(args.repeat) if what == "api" else measure_csv(args.csv_rows)
    print("RESULT " + json.dumps(result))


def in_tree(tree: Path, what: str, args) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", what]
    command += ["--repeat", str(args.repeat), "--csv-rows", str(args.csv_rows)]
    done = subprocess.run(
        command, cwd=tree, env={**os.environ, **ENV}, capture_output=True, text=True, check=False, timeout=3600
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        sys.exit(f"{tree}: {what} failed\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def compare(args) -> None:
    trees = {"current": ROOT}
    worktree = None
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="kz-serialization-")) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline], cwd=ROOT, check=True)
        trees = {f"before ({args.baseline})": worktree, "after (current)": ROOT}
    try:
        results: dict[str, dict] = {name: {} for name in trees}
        for _round in range(0 if args.csv_only else args.rounds):  # alternate the trees; keep each URL's best
            for name, tree in trees.items():
                for url, timing in in_tree(tree, "api", args).items():
                    kept = results[name].get(url)
                    results[name][url] = timing if kept is None or timing["ms"] < kept["ms"] else kept
        for _round in range(args.csv_rounds):  # alternate too; keep each tree's fastest export
            for name, tree in trees.items():
                export = in_tree(tree, "csv", args)
                if export["rows/s"] > results[name].get("rows/s", 0):
                    results[name].update(export)
    finally:
        if worktree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)
    names = list(trees)
    print(
        f"database: {os.environ.get('DATABASE_URL', '(default)')}; JSON: best of {args.rounds} alternating rounds"
        f" of the median of {args.repeat} requests; CSV: the whole case list, fastest of {args.csv_rounds}"
    )
    print(f"{'':28}" + "".join(f"{name:>26}" for name in names) + ("       speed-up" if len(names) == 2 else ""))
    for key in results[names[0]]:
        values = [results[name][key] for name in names]
        if isinstance(values[0], dict):
            cells = [f"{v['ms']:9.1f} ms (best {v['best']:.1f})" for v in values]
            ratio = values[0]["ms"] / values[1]["ms"] if len(values) == 2 else None
        else:
            cells = [f"{v:,.1f}" for v in values]
            ratio = None
            if len(values) == 2 and key in ("rows/s",):
                ratio = values[1] / values[0]
            elif len(values) == 2 and key in ("cpu µs/row", "seconds"):
                ratio = values[0] / values[1]
        print(f"{key:28}" + "".join(f"{cell:>26}" for cell in cells) + (f"   {ratio:8.1f}x" if ratio else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", help="git revision to compare with (e.g. the commit before the change)")
    parser.add_argument("--repeat", type=int, default=20, help="requests per JSON URL (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating JSON rounds per tree (default 3)")
    parser.add_argument("--csv-rows", type=int, default=0, help="stop the CSV export after N rows (0: all)")
    parser.add_argument("--csv-rounds", type=int, default=1, help="alternating CSV exports per tree (default 1)")
    parser.add_argument("--csv-only", action="store_true", help="measure the CSV export only")
    parser.add_argument("--measure", choices=["api", "csv"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        run_measurement(args.measure, args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
