"""Load test: N concurrent clients for D seconds against a running server, on a realistic
mix of API lists, details and filters, report pages and a few status writes.

Usage (from the project directory, with the same environment as the server, so that the
script can create its users, tokens and session in the same database):

    python bench/load.py --url http://127.0.0.1:8010 --clients 32 --duration 60

It prints requests per second, p50/p95/p99 latency per request kind and overall, and every
error (any status other than the expected one, or a failed connection). It exits non-zero
when there was an error. Only the standard library drives the load: each client is a thread
with its own keep-alive connection, so the numbers include no third-party client overhead
beyond Python's own. Point it at a loopback address only.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEARCHES = ["guidelines", "network", "exercise", "roadmap"]
WRITE_STATUSES = ["planned", "in_progress", "ongoing", "delayed", "completed"]


def prepare():
    """Users, tokens and a signed-in session for the clients, created through the ORM.

    Returns what the request mix needs: keys, cookie and real slugs and codes to ask for.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from declarations.models import ApiToken, Declaration, Instrument, Party, Theme

    users = get_user_model()

    def user(name, group):
        found, _ = users.objects.get_or_create(username=name, defaults={"is_staff": True})
        found.groups.set(Group.objects.filter(name=group))
        return found

    reader = users.objects.get_or_create(username="load-reader")[0]
    editor = user("load-editor", "Editors")
    manager = user("load-manager", "Managers")
    _, read_key = ApiToken.issue(user=reader, name="load test (read)")
    _, write_key = ApiToken.issue(user=editor, name="load test (write)")
    session = SessionStore()
    session[SESSION_KEY] = str(manager.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = manager.get_session_auth_hash()
    session.create()
    instruments = list(Instrument.objects.order_by("?").values_list("slug", flat=True)[:500])
    return {
        "read_key": read_key,
        "write_key": write_key,
        "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
        "declarations": list(Declaration.objects.values_list("slug", flat=True)[:200]),
        # Pages of 50 that exist, so that no request asks past the last one.
        "declaration_pages": max(1, -(-Declaration.objects.count() // 50)),
        "instrument_pages": max(1, -(-Instrument.objects.count() // 50)),
        "instruments": instruments,
        "parties": list(Party.objects.values_list("code", flat=True)),
        "themes": list(Theme.objects.values_list("slug", flat=True)) or [""],
    }


def request_mix(data):
    """(weight, kind, function(rng) -> (method, path, body, auth, expected status))."""
    api = "/api/v1"

    def read(path):
        return ("GET", path, None, "read", 200)

    def page(path):
        return ("GET", path, None, "session", 200)

    def pick(rng, key):
        return rng.choice(data[key])

    def write(rng):
        as_of = datetime.date.today() - datetime.timedelta(days=rng.randint(0, 30))
        body = {
            "instrument": pick(rng, "instruments"),
            "party": pick(rng, "parties"),
            "status": rng.choice(WRITE_STATUSES),
            "progress": rng.randint(0, 100),
            "as_of": as_of.isoformat(),
            "note": "Load test entry.",
            "state": "published",
        }
        return ("POST", f"{api}/statuses/", json.dumps(body), "write", 201)

    return [
        (
            14,
            "api instruments list",
            lambda r: read(
                f"{api}/instruments/?page={r.randint(1, min(20, data['instrument_pages']))}"
            ),
        ),
        (
            8,
            "api instrument detail",
            lambda r: read(f"{api}/instruments/{pick(r, 'instruments')}/"),
        ),
        (
            8,
            "api instruments filtered",
            lambda r: read(
                f"{api}/instruments/?"
                + r.choice(
                    [
                        f"party={pick(r, 'parties')}",
                        f"status={r.choice(WRITE_STATUSES)}",
                        "overdue=true",
                        "stale=true",
                        f"declaration={pick(r, 'declarations')}",
                        f"theme={pick(r, 'themes')}",
                        f"as_of=202{r.randint(0, 5)}-06-30",
                    ]
                )
            ),
        ),
        (
            6,
            "api declarations list",
            lambda r: read(
                f"{api}/declarations/?page={r.randint(1, min(3, data['declaration_pages']))}"
            ),
        ),
        (
            6,
            "api declaration detail",
            lambda r: read(f"{api}/declarations/{pick(r, 'declarations')}/"),
        ),
        (8, "api statuses list", lambda r: read(f"{api}/statuses/?party={pick(r, 'parties')}")),
        (
            4,
            "api clauses filtered",
            lambda r: read(f"{api}/clauses/?declaration={pick(r, 'declarations')}"),
        ),
        (3, "api parties list", lambda r: read(f"{api}/parties/")),
        (5, "report dashboard", lambda r: page("/reports/")),
        (
            6,
            "report declaration",
            lambda r: page(f"/reports/declarations/{pick(r, 'declarations')}/"),
        ),
        (6, "report instrument", lambda r: page(f"/reports/instruments/{pick(r, 'instruments')}/")),
        (3, "report countries", lambda r: page("/reports/countries/")),
        (3, "report overdue", lambda r: page("/reports/overdue/")),
        (3, "report stale", lambda r: page("/reports/stale/")),
        (3, "report search", lambda r: page(f"/reports/search/?q={r.choice(SEARCHES)}")),
        (2, "api status write", write),
    ]


class Client(threading.Thread):
    def __init__(self, number, url, mix, data, stop_at, results):
        super().__init__(daemon=True)
        self.rng = random.Random(number)
        self.parts = urlsplit(url)
        self.mix, self.data, self.stop_at, self.results = mix, data, stop_at, results
        self.weights = [weight for weight, _, _ in mix]

    def headers(self, auth, body):
        headers = {"Accept": "application/json, text/html", "Host": self.parts.hostname}
        if auth == "read":
            headers["Authorization"] = f"Token {self.data['read_key']}"
        elif auth == "write":
            headers["Authorization"] = f"Token {self.data['write_key']}"
            headers["Content-Type"] = "application/json"
        else:
            headers["Cookie"] = self.data["cookie"]
        return headers

    def run(self):
        connection = http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=120)
        while time.monotonic() < self.stop_at:
            _, kind, make = self.rng.choices(self.mix, weights=self.weights)[0]
            method, path, body, auth, expected = make(self.rng)
            started = time.monotonic()
            try:
                connection.request(method, path, body=body, headers=self.headers(auth, body))
                response = connection.getresponse()
                content = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                status, content = None, str(error).encode()
            elapsed = time.monotonic() - started
            self.results.append((kind, elapsed, status, expected, path, content[:200]))
        connection.close()


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def report(results, duration, clients):
    by_kind = defaultdict(list)
    errors = []
    for kind, elapsed, status, expected, path, content in results:
        by_kind[kind].append(elapsed)
        if status != expected:
            errors.append((kind, status, path, content))
    every = sorted(elapsed for _, elapsed, *_ in results)
    ms = {
        name: percentile(every, q) * 1000
        for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
    }
    print(f"{clients} clients, {duration:.0f} s, {len(results)} requests")
    print(f"throughput: {len(results) / duration:.1f} requests/s")
    print(
        f"latency ms: p50 {ms['p50']:.0f}  p95 {ms['p95']:.0f}  p99 {ms['p99']:.0f}"
        f"  max {every[-1] * 1000:.0f}"
        if every
        else "no requests"
    )
    print(f"errors: {len(errors)}")
    print()
    print(f"{'request':28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind in sorted(by_kind):
        values = sorted(by_kind[kind])
        print(
            f"{kind:28} {len(values):6d} {percentile(values, 0.5) * 1000:8.0f} "
            f"{percentile(values, 0.95) * 1000:8.0f} {percentile(values, 0.99) * 1000:8.0f} "
            f"{statistics.fmean(values) * 1000:8.0f}"
        )
    if errors:
        print()
        for (kind, status), count in Counter((k, s) for k, s, _, _ in errors).most_common():
            print(f"error: {kind} answered {status} x{count}")
        for kind, status, path, content in errors[:5]:
            print(f"  e.g. {kind} {path} -> {status}: {content!r}")
    return len(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8010")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warm-up", type=float, default=5, help="Seconds not counted.")
    options = parser.parse_args()
    if urlsplit(options.url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("load only a server on this machine's loopback address")

    data = prepare()
    mix = request_mix(data)
    if options.warm_up:
        warm = []
        stop = time.monotonic() + options.warm_up
        threads = [Client(1000 + n, options.url, mix, data, stop, warm) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    results = []  # list.append is atomic under the GIL: no lock needed
    started = time.monotonic()
    stop_at = started + options.duration
    threads = [Client(n, options.url, mix, data, stop_at, results) for n in range(options.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = report(results, time.monotonic() - started, options.clients)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
