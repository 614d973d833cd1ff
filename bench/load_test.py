"""Bounded load test: gunicorn + PostgreSQL on loopback, N concurrent clients for a
fixed time mixing public pages, searches and API calls, while an editor saves case
records through the admin (password + TOTP, CSRF, optimistic locking and all).

    DEBUG=1 .venv/bin/python bench/load_test.py            # 50 clients, 60 s
    DEBUG=1 .venv/bin/python bench/load_test.py --clients 10 --duration 15

It creates (and afterwards drops) its own database, fills it with `generate_data`,
starts gunicorn with production settings (DEBUG off), prints throughput, latency
percentiles per kind of request, errors, and checks that every save the admin
accepted is in the database and its history: zero errors and zero lost writes, or
the exit status is 1."""

import argparse
import json
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import psycopg
import requests
from common import percentile

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SETUP = """
import json
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from cases.models import Case
from kazmonitor.models import Visibility
from people.models import ApiKey, Organization, Person
from people.services import api_key_create

editor = User.objects.create_user("loadeditor", "e@example.org", "{password}", is_staff=True)
editor.groups.add(Group.objects.get(name="editor"))
device = TOTPDevice.objects.create(user=editor, name="bench", confirmed=True)
org = Organization.objects.first()
key = api_key_create(organization=org, name="bench", level=ApiKey.Level.PARTNERS, rate_limit=10_000_000)[1]
public_cases = Case.objects.visible_to(Visibility.PUBLIC)
persons = Person.objects.visible_to(Visibility.PUBLIC).filter(identity_protected=False)
print(json.dumps({{
    "totp_key": device.key,
    "api_key": key,
    "case_slugs": list(public_cases.order_by("?").values_list("slug", flat=True)[:300]),
    "case_uuids": [str(u) for u in public_cases.order_by("?").values_list("uuid", flat=True)[:300]],
    "person_slugs": list(persons.order_by("?").values_list("slug", flat=True)[:300]),
    "names": [n.split()[-1] for n in persons.order_by("?").values_list("name_latin", flat=True)[:100] if n],
    "edit_cases": list(Case.objects.order_by("pk").values_list("pk", flat=True)[:5]),
}}))
"""


class FormReader(HTMLParser):
    """What a browser submits from the form with the given id."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select, self._selected, self._first, self._textarea = None, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = (name, "multiple" in a), [], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._first = value if self._first is None else self._first
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            values = self._selected or ([] if multiple or self._first is None else [self._first])
            self.data += [(name, v) for v in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea[1]
            self.data.append((self._textarea[0], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.data


def totp(key_hex: str) -> str:
    sys.path.insert(0, str(ROOT))
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key_hex)).token():06d}"


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.samples = []

    def add(self, kind, status, seconds, url):
        with self.lock:
            self.latencies[kind].append(seconds)
            if status >= 400 or status == 0:
                self.errors[(kind, status)] += 1
                if len(self.samples) < 10:
                    self.samples.append((status, url))


class Editor:
    """One member of staff saving case summaries through the admin, like a browser."""

    def __init__(self, base, password, totp_key):
        self.base, self.http, self.cookies = base, requests.Session(), {}
        self.saved, self.refused = [], 0
        self._request("GET", "/admin/login/")
        token = self.cookies["csrftoken"]
        form = {"username": "loadeditor", "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"}
        assert self._request("POST", "/admin/login/", data=form).status_code == 302, "editor login failed"
        page = self._request("GET", "/admin/2fa/")
        fields = dict(form_fields(page.text, "two-factor-form"))
        fields["token"] = totp(totp_key)
        assert self._request("POST", "/admin/2fa/", data=fields).status_code == 302, "editor 2FA failed"
        assert self._request("GET", "/admin/").status_code == 200, "editor cannot open the admin"

    def _request(self, method, path, **kwargs):
        # Production cookies are Secure; on plain-HTTP loopback pass them by hand.
        response = self.http.request(
            method, self.base + path, cookies=self.cookies, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def save(self, case_pk, value, results):
        path = f"/admin/cases/case/{case_pk}/change/"
        started = time.perf_counter()
        page = self._request("GET", path)
        results.add("admin page", page.status_code, time.perf_counter() - started, path)
        fields = [(k, value if k == "summary" else v) for k, v in form_fields(page.text, "case_form")]
        fields.append(("_continue", "Save and continue editing"))
        started = time.perf_counter()
        response = self._request("POST", path, data=fields)
        seconds = time.perf_counter() - started
        # A 200 answer to a save is the form shown again with an error: count it as one.
        results.add("admin save", 422 if response.status_code == 200 else response.status_code, seconds, path)
        if response.status_code == 302:
            self.saved.append((case_pk, value))
        else:
            self.refused += 1


def public_client(base, data, deadline, results, seed):
    rng = random.Random(seed)
    http = requests.Session()
    api = {"Authorization": f"Api-Key {data['api_key']}"}
    choices = [
        (15, "page", lambda: "/"),
        (15, "page", lambda: f"/cases/{rng.choice(data['case_slugs'])}/"),
        (10, "page", lambda: f"/persons/{rng.choice(data['person_slugs'])}/"),
        (8, "page", lambda: f"/cases/?page={rng.randint(1, 20)}"),
        (4, "page", lambda: "/statistics/"),
        (3, "page", lambda: "/detained/"),
        (10, "search", lambda: f"/search/?q={quote(rng.choice(data['names']))}"),
        (5, "search", lambda: f"/cases/?q={quote(rng.choice(data['names']))}"),
        (12, "api", lambda: "/api/v1/cases/"),
        (8, "api", lambda: f"/api/v1/cases/{rng.choice(data['case_uuids'])}/"),
        (5, "api", lambda: f"/api/v1/persons/?q={quote(rng.choice(data['names']))}"),
        (1, "api csv", lambda: "/api/v1/charges/?format=csv&article=274.4"),
        (2, "api", lambda: "/api/v1/charges/?article=274.4"),
    ]
    weights = [w for w, _k, _u in choices]
    while time.monotonic() < deadline:
        _w, kind, make = rng.choices(choices, weights)[0]
        url = make()
        started = time.perf_counter()
        try:
            response = http.get(base + url, headers=api if kind.startswith("api") else None, timeout=60)
            status = response.status_code
        except requests.RequestException:
            status = 0
        results.add(kind, status, time.perf_counter() - started, url)


def manage(env, *args, capture=False):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--scale", default="0.02", help="generate_data --scale (0.02: 2,000 persons, 4,000 cases)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()

    dbname = f"kz_loadtest_{os.getpid()}"
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{args.server}/{dbname}",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": f"/tmp/{dbname}-media",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        print(f"setting up {dbname}: migrate, collectstatic, generate_data --scale {args.scale} …", flush=True)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--no-input", "-v0")
        manage(env, "generate_data", "--scale", args.scale)
        data = json.loads(manage(env, "shell", "-c", SETUP.format(password=password)).strip().splitlines()[-1])

        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [GUNICORN, "kazmonitor.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers),
             "-k", "gthread", "--threads", str(args.threads), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer /healthz")

        results = Results()
        editor = Editor(base, password, data["totp_key"])
        deadline = time.monotonic() + args.duration
        threads = [
            threading.Thread(target=public_client, args=(base, data, deadline, results, n), daemon=True)
            for n in range(args.clients)
        ]

        def edit():
            n = 0
            while time.monotonic() < deadline:
                n += 1
                editor.save(data["edit_cases"][n % len(data["edit_cases"])], f"load-test save {n}", results)

        threads.append(threading.Thread(target=edit, daemon=True))
        print(f"running: {args.clients} clients + 1 editor for {args.duration} s against gunicorn "
              f"({args.workers} workers x {args.threads} threads) …", flush=True)  # fmt: skip
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started

        # Every save the admin accepted must be in the database and its history.
        lost = 0
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            for pk in data["edit_cases"]:
                accepted = [value for case_pk, value in editor.saved if case_pk == pk]
                if not accepted:
                    continue
                (current,) = conn.execute("SELECT summary FROM cases_case WHERE id = %s", [pk]).fetchone()
                kept = {
                    row[0]
                    for row in conn.execute(
                        "SELECT summary FROM cases_historicalcase WHERE id = %s AND history_type = '~'", [pk]
                    )
                }
                lost += sum(1 for value in accepted if value not in kept) + (current != accepted[-1])
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep_database:
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    total = sum(len(v) for v in results.latencies.values())
    errors = sum(results.errors.values())
    print(f"\n{total:,} requests in {elapsed:.1f} s = {total / elapsed:,.0f} requests/s; errors: {errors}")
    print(f"{'kind':<12} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in sorted(results.latencies.items()):
        ms = [v * 1000 for v in values]
        print(
            f"{kind:<12} {len(ms):>9,} {statistics.median(ms):>8.0f} {percentile(ms, 0.95):>8.0f} "
            f"{percentile(ms, 0.99):>8.0f} {max(ms):>8.0f}"
        )
    print(f"editor: {len(editor.saved)} saves accepted, {editor.refused} refused; lost writes: {lost}")
    for (kind, status), count in sorted(results.errors.items()):
        print(f"  error {status} on {kind}: {count}")
    for status, url in results.samples:
        print(f"  e.g. {status} {url}")
    sys.exit(1 if errors or lost or not editor.saved else 0)


if __name__ == "__main__":
    main()
