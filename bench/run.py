"""The benchmark: `make bench` (or `python -m bench.run --help`). Prints figures.

For each scale it creates its own PostgreSQL database (bench_10k, bench_1m), migrates it,
generates synthetic data and imports the seed declaration, then serves the app with
gunicorn (DEBUG off, 2 workers, loopback only) and measures it with a threaded HTTP client.
Server time and query counts come from headers that only bench/settings.py adds.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from .pages import API, FLOOR, PAGES
from .report import machine, report

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALES = {"10k": 10_000, "1m": 1_000_000}
SEED = "declarations/fixtures/kl-2025-admm-joint-declaration.txt"
HOST = "127.0.0.1"  # load goes to the loopback interface only
# PostgreSQL's JIT compiles the plans of the status subqueries (their estimated cost passes
# jit_above_cost) and spends more time compiling than running them; production should set
# the same in DATABASE_URL (README, "Running several processes").
PG_OPTIONS = "?options=-c%20jit%3Doff"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def base_env(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "SECRET_KEY": "benchmark-only-not-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        # Several worker processes share sessions through the database and throttle counters
        # through the shared cache: the database's (db://) unless BENCH_CACHE_URL names
        # another, such as Redis (redis://127.0.0.1:6379/1).
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "db://tracker_cache"),
        "TRACKER_API_RATE_USER": "100000000/minute",
        "TRACKER_API_RATE_ANON": "100000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )


def task(env, name):
    done = subprocess.run(
        [PYTHON, "-m", "bench.tasks", name], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def prepare_postgres(server, name, statuses, reuse):
    """Create (or with --reuse keep) the database and fill it. Returns its URL and timings."""
    url = f"{server.rstrip('/')}/{name}{PG_OPTIONS}"
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as db:
                count = db.execute(
                    "SELECT count(*) FROM declarations_implementationstatus"
                ).fetchone()[0]
            if count >= statuses:
                log(f"{name}: reusing ({count:,} status entries)")
                migrate(url)
                return url, {}
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url, fill(url, statuses)


def prepare_sqlite(statuses):
    path = ROOT / "var" / f"bench-{statuses}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    return url, fill(url, statuses)


def migrate(url):
    """Migrate, and create the database cache's table whichever cache this run uses."""
    manage(base_env(url), "migrate", "--no-input")
    manage({**base_env(url), "CACHE_URL": "db://tracker_cache"}, "createcachetable")


def fill(url, statuses):
    env = base_env(url)
    log(f"{url.rsplit('/', 1)[-1].split('?')[0]}: migrate")
    migrate(url)
    log(f"generate_synthetic --statuses {statuses:,}")
    started = time.perf_counter()
    manage(env, "generate_synthetic", "--statuses", str(statuses), "--instruments", "4000")
    generated = time.perf_counter() - started
    imported = task(env, "import")  # rolled back: the seed is not in the database yet
    manage(env, "import_declaration", SEED)
    return {"generate_seconds": generated, "generate_rate": statuses / generated, **imported}


class Server:
    """gunicorn with 2 workers on a loopback port, stopped by the process id it started."""

    def __init__(self, url, port, workers=2):
        env = {**base_env(url), "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.port = port
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "tracker.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                get(port, "/bench/bare/statuses/?page_size=1", {})
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def get(port, path, headers):
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        timing = response.getheader("Server-Timing", "app;dur=nan").split("dur=")[1]
        return elapsed, float(timing) / 1000, int(response.getheader("X-Bench-Queries", -1))
    finally:
        connection.close()


def body(port, path, headers):
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path, headers=headers)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def same_rows(port, api_path, bare_path, headers):
    """Whether the bare view returns exactly the API page's rows: same fields, same values."""
    return body(port, api_path, headers)["results"] == body(port, bare_path, {})["results"]


def burst(port, path, headers, seconds, threads):
    """Latencies of the requests `threads` clients complete in `seconds`, and the wall time."""
    latencies = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        while time.monotonic() < stop:
            elapsed, _, _ = get(port, path, headers)
            with lock:
                latencies.append(elapsed)

    for _ in range(2):
        get(port, path, headers)
    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, time.monotonic() - started


def summary(latencies, wall):
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / wall,
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        "requests": len(latencies),
    }


def load(port, path, headers, seconds, threads):
    """Requests per second and latency percentiles with `threads` clients for `seconds`."""
    return summary(*burst(port, path, headers, seconds, threads))


def load_alternately(port, targets, seconds, threads, rounds):
    """`load` of each (path, headers) in `targets`, in `rounds` turns of seconds/rounds each:
    A, B, A, B... so that the machine's drift during the run (a checkpoint, another
    process) weighs on both sides of a ratio alike."""
    runs = [([], 0.0) for _ in targets]
    for _ in range(rounds):
        for n, (path, headers) in enumerate(targets):
            latencies, wall = burst(port, path, headers, seconds / rounds, threads)
            runs[n] = (runs[n][0] + latencies, runs[n][1] + wall)
    return [summary(latencies, wall) for latencies, wall in runs]


def server_time(port, path, headers, repeat):
    get(port, path, headers)  # warm the worker's caches and connection
    samples = [get(port, path, headers) for _ in range(repeat)]
    return {
        "server": statistics.median(s[1] for s in samples),
        "queries": sorted({s[2] for s in samples}),
    }


def measure(url, args):
    env = base_env(url)
    auth = task(env, "setup")
    token = {"Authorization": f"Token {auth['token']}"}
    cookie = {"Cookie": f"{auth['cookie']}={auth['session']}"}
    result = {}
    server = Server(url, args.port)
    try:
        result["api"] = {}
        for name, (api_path, bare_path) in API.items():
            log(f"load {name}")
            same = same_rows(args.port, api_path.format(n=50), bare_path.format(n=50), token)
            api, bare = load_alternately(
                args.port,
                [(api_path.format(n=50), token), (bare_path.format(n=50), {})],
                args.seconds,
                args.threads,
                args.rounds,
            )
            sizes = {
                n: server_time(args.port, api_path.format(n=n), token, 1)["queries"]
                for n in (10, 50, 100)
            }
            result["api"][name] = {
                "api": api,
                "bare": bare,
                "same_rows": same,
                "queries_by_page_size": sizes,
            }
        # The least any API request costs: one theme, with the token check, the throttle
        # count and the page count. No API list can be served faster than this.
        log("load floor")
        result["floor"] = load(args.port, FLOOR, token, args.seconds, args.threads)
        result["pages"] = {}
        for name, path in PAGES.items():
            log(f"time {name}")
            headers = token if path.startswith("/api/") else cookie
            result["pages"][name] = server_time(args.port, path, headers, args.repeat)
    finally:
        server.stop()
    log("csv export")
    result["csv"] = task(env, "csv")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,1m", help="Comma-separated: 10k, 1m.")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server; the bench_<scale> databases are created there.",
    )
    parser.add_argument("--sqlite", action="store_true", help="Also run the 10k scale on SQLite.")
    parser.add_argument("--reuse", action="store_true", help="Keep filled bench databases.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=12, help="Load per API endpoint.")
    parser.add_argument(
        "--rounds", type=int, default=4, help="Turns of API and bare view load, alternated."
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page.")
    parser.add_argument("--json", help="Also write the raw results to this file.")
    args = parser.parse_args()
    if urlsplit(args.postgres).hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("the benchmark only runs against a PostgreSQL on this machine")

    info = machine(args.postgres)
    # The server serves static files through whitenoise, as in production.
    manage(base_env("sqlite:///unused.sqlite3"), "collectstatic", "--no-input")
    results = {"postgresql": {}}
    for scale in args.scales.split(","):
        url, prepared = prepare_postgres(args.postgres, f"bench_{scale}", SCALES[scale], args.reuse)
        results["postgresql"][scale] = {"prepare": prepared, **measure(url, args)}
    if args.sqlite:
        url, prepared = prepare_sqlite(SCALES["10k"])
        results["sqlite"] = {"10k": {"prepare": prepared, **measure(url, args)}}
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "results": results}, indent=1))
    print(report(results, info))


if __name__ == "__main__":
    main()
