"""What a benchmark run prints: the machine it ran on and the table of its figures."""

import os
import platform
import subprocess
import time
from pathlib import Path

import psycopg

from .pages import FLOOR, PAGES


def machine(server):
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    with psycopg.connect(f"{server.rstrip('/')}/postgres") as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory.splitlines()[1].split()[1] if memory else "?",
        "postgresql": version,
        "python": platform.python_version(),
    }


def report(results, info):
    out = []
    out.append(
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}, {info['date']}"
    )
    for backend, scales in results.items():
        out.append(f"\n== {backend} ==")
        for scale, r in scales.items():
            if "generate_rate" in r.get("prepare", {}):
                p = r["prepare"]
                out.append(
                    f"{scale}: generate_synthetic {p['generate_seconds']:.0f}s "
                    f"({p['generate_rate']:,.0f} entries/s)"
                )
            if "per_second" in r.get("prepare", {}):
                rate = r["prepare"]["per_second"]
                out.append(f"{scale}: import of the seed text {rate:.1f} declarations/s")
        out.append(
            "\nAPI (50 rows)         scale  req/s  p50 ms  p95 ms | bare req/s p50  p95 | API/bare"
            "  same rows"
        )
        for scale, r in scales.items():
            for name, a in r["api"].items():
                api, bare = a["api"], a["bare"]
                out.append(
                    f"  {name:<21} {scale:>5} {api['rps']:6.1f} {api['p50'] * 1000:7.1f} "
                    f"{api['p95'] * 1000:7.1f} | {bare['rps']:10.1f} {bare['p50'] * 1000:4.0f} "
                    f"{bare['p95'] * 1000:4.0f} | {api['rps'] / bare['rps']:8.2f}"
                    f"  {'yes' if a['same_rows'] else 'NO'}"
                )
        for scale, r in scales.items():
            floor = r["floor"]
            out.append(
                f"  floor: {FLOOR:<14} {scale:>5} {floor['rps']:6.1f} {floor['p50'] * 1000:7.1f} "
                f"{floor['p95'] * 1000:7.1f} |  one row, token, throttle and count"
            )
        names = list(PAGES)
        first, last = list(scales)[0], list(scales)[-1]
        out.append(
            f"\nServer time (median ms)  {first:>8} {last:>8}  ratio  queries {first}/{last}"
        )
        for name in names:
            a, b = scales[first]["pages"][name], scales[last]["pages"][name]
            out.append(
                f"  {name:<22} {a['server'] * 1000:8.1f} {b['server'] * 1000:8.1f} "
                f"{b['server'] / a['server']:6.2f}  {a['queries']}/{b['queries']}"
            )
        out.append("\nAPI queries by page size 10/50/100")
        for scale, r in scales.items():
            for name, a in r["api"].items():
                sizes = a["queries_by_page_size"]
                out.append(f"  {name:<21} {scale:>5} {sizes[10]} {sizes[50]} {sizes[100]}")
        out.append("\nCSV export of all status entries")
        for scale, r in scales.items():
            c = r["csv"]
            out.append(
                f"  {scale:>5} {c['rows']:,} rows, {c['megabytes']:.0f} MB in {c['seconds']:.1f}s, "
                f"peak RSS {c['peak_rss_mb']:.0f} MB (before {c['rss_before_mb']:.0f} MB)"
            )
    return "\n".join(out)
