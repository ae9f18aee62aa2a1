"""The checker core in-process on run.py's farm: its network part alone, without start-up.

    .venv/bin/python benchmarks/linkcheck/inprocess.py --rounds 4
    .venv/bin/python benchmarks/linkcheck/inprocess.py --rounds 4 --compare-start-batch 1000000

With ``--compare-start-batch N`` the rounds alternate between the checker as it is and the same
checker starting N checks per loop turn (a large N: all at once), for an A/B on the same farm.
Prints each round's wall time, when the busiest host's last answer came, and the in-order floor.
"""

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from run import build_urls, farm_hosts, in_order_floor_seconds, serve_hosts

from stages.linkhealth import checker as linkcheck
from stages.linkhealth.checker import run as linkcheck_run


def one_round(urls, config) -> tuple[float, float, int]:
    """(wall seconds, busiest host's last answer, URLs classified otherwise than intended)."""
    host_of = {url: host for url, _, host, _ in urls}
    work = Counter()
    for _, _, host, cost in urls:
        work[host] += cost
    busiest = max(work, key=work.get)
    last = 0.0
    start = time.perf_counter()

    def on_result(result):
        nonlocal last
        if host_of[result.url] == busiest:
            last = time.perf_counter() - start

    results = linkcheck.run_checks([url for url, *_ in urls], config, on_result=on_result)
    wall = time.perf_counter() - start
    wrong = sum(results[url].status != intended for url, intended, *_ in urls)
    return wall, last, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--compare-start-batch", type=int, default=None)
    args = parser.parse_args()

    hosts = farm_hosts(args.hosts)
    ctx = mp.get_context("spawn")
    ready, stop = ctx.Queue(), ctx.Event()
    workers = [ctx.Process(target=serve_hosts, args=(hosts[i::2], ready, stop), daemon=True) for i in range(2)]
    for worker in workers:
        worker.start()
    try:
        farm = sorted((ready.get(timeout=30) for _ in hosts), key=lambda h: h[0])
        urls = build_urls(farm, args.urls)
        config = linkcheck.CheckerConfig(
            concurrency=128,
            per_host_concurrency=10,
            per_host_interval=0,
            max_retries=0,
            total_timeout=5,
            connect_timeout=5,
            read_timeout=5,
            max_redirects=5,
            allow_private_addresses=True,
        )
        variants = {"as is": linkcheck_run.START_BATCH}
        if args.compare_start_batch:
            variants[f"start batch {args.compare_start_batch}"] = args.compare_start_batch
        walls: dict[str, list[float]] = {name: [] for name in variants}
        wrong = 0
        for n in range(args.rounds):
            for name, batch in variants.items():
                linkcheck_run.START_BATCH = batch
                wall, last, errors = one_round(urls, config)
                walls[name].append(wall)
                wrong += errors
                print(f"round {n + 1} {name:>20}: {wall:.3f} s, busiest host's last answer at {last:.3f} s")
    finally:
        stop.set()
    print(f"in-order floor {in_order_floor_seconds(urls, 10):.3f} s")
    for name, values in walls.items():
        print(f"{name:>20}: median {statistics.median(values):.3f} s")
    print(f"classified otherwise than intended: {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
