"""The link checker's command line, shared by ``python -m stages.linkhealth.checker`` and ``manage.py check_links``.

One set of options, one set of politeness defaults (``CheckerConfig``'s), one way
to read a URL file and print results. No Django: the bare command starts in a
fraction of the time, and the management command layers the settings (the
environment) between the defaults and the flags.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from typing import TextIO

from .checker import CheckerConfig, LinkResult, Status, run_checks

_DEFAULTS = CheckerConfig()

# option name -> (CheckerConfig field, type, smallest allowed value, help)
CHECKER_OPTIONS: dict[str, tuple[str, type, float, str]] = {
    "concurrency": ("concurrency", int, 1, "Requests in flight at once, all hosts together."),
    "per_host": ("per_host_concurrency", int, 1, "Requests in flight at once to one host."),
    "per_host_interval": ("per_host_interval", float, 0, "Seconds between the starts of two requests to one host."),
    "timeout": ("total_timeout", float, 0.1, "Seconds for one request, from connecting to the last byte."),
    "connect_timeout": ("connect_timeout", float, 0.1, "Seconds to open a connection."),
    "read_timeout": ("read_timeout", float, 0.1, "Seconds to wait for the next bytes of an answer."),
    "max_redirects": ("max_redirects", int, 0, "Redirects followed before a link counts as broken."),
    "max_retries": ("max_retries", int, 0, "Retries of a 429/503 that says when to come back."),
}
assert {f for f, *_ in CHECKER_OPTIONS.values()} <= {f.name for f in fields(CheckerConfig)}


def _at_least(kind: type, smallest: float) -> Callable[[str], float]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind.__name__}") from None
        if value < smallest:
            raise argparse.ArgumentTypeError(f"must be at least {smallest}, got {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_arguments(parser: argparse.ArgumentParser, defaults: CheckerConfig = _DEFAULTS) -> None:
    """The checker's options. Each is None unless given, so the caller's own defaults (settings) show through."""
    parser.add_argument("--url-file", help="URLs to check, one per line ('#' comments, '-' for stdin).")
    parser.add_argument("--json", action="store_true", help="One JSON object per URL per line instead of a table.")
    parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
    for option, (name, kind, smallest, text) in CHECKER_OPTIONS.items():
        parser.add_argument(
            f"--{option.replace('_', '-')}",
            type=_at_least(kind, smallest),
            help=f"{text} Default {getattr(defaults, name)}.",
        )
    parser.add_argument(
        "--head-first",
        action="store_true",
        default=None,
        help="Ask with HEAD and confirm failures with GET (less traffic for big pages, two round trips for failures).",
    )


def config_from_options(options: Mapping, base: CheckerConfig = _DEFAULTS, **overrides) -> CheckerConfig:
    """``base`` with every option the user gave (and ``overrides``) applied."""
    values = {
        name: options[option] for option, (name, *_) in CHECKER_OPTIONS.items() if options.get(option) is not None
    }
    if options.get("head_first") is not None:
        values["head_first"] = options["head_first"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(base, **values)


def read_urls(path: str) -> list[str]:
    """Distinct URLs of a file in order (blank lines and '#' comments skipped); raises OSError/UnicodeDecodeError."""
    if path == "-":
        lines = sys.stdin.read().splitlines()
    else:
        with open(path, encoding="utf-8") as handle:  # noqa: PTH123 - a path from the command line
            lines = handle.read().splitlines()
    return list(dict.fromkeys(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")))


def check_file(
    urls: list[str], config: CheckerConfig, *, as_json: bool, progress: bool, out: TextIO, err: TextIO
) -> dict[str, LinkResult]:
    """Check ``urls`` and print them (JSON lines, or a table and counts), with a progress bar on ``err``."""
    if progress and not as_json:
        from tqdm import tqdm  # only when a bar is drawn: it costs start-up time

        with tqdm(total=len(urls), unit="url", file=err, leave=True) as bar:
            results = run_checks(urls, config, on_result=lambda _: bar.update())
    else:
        results = run_checks(urls, config)
    if as_json:
        out.writelines(json.dumps(results[url].as_dict()) + "\n" for url in urls)
        return results
    width = min(80, max((len(u) for u in urls), default=3))
    out.write(f"{'URL':<{width}}  {'STATUS':<12}  CODE  DETAIL\n")
    for url in urls:
        r = results[url]
        out.write(f"{url:<{width}}  {r.status:<12}  {r.http_status or '':<4}  {r.detail}\n")
    write_counts(Counter(str(r.status) for r in results.values()), len(urls), out)
    return results


def write_counts(counts: Counter, total: int, out: TextIO) -> None:
    out.write(f"\n{'Status':<14}{'Links':>6}\n{'-' * 20}\n")
    for status in Status:
        out.write(f"{status:<14}{counts.get(str(status), 0):>6}\n")
    out.write(f"{'-' * 20}\n{'total':<14}{total:>6}\n")


def main(argv: list[str] | None = None) -> int:
    """``python -m stages.linkhealth.checker --url-file FILE``: the bare checker, without Django."""
    parser = argparse.ArgumentParser(prog="python -m stages.linkhealth.checker", description=main.__doc__)
    add_arguments(parser)
    parser.add_argument(
        "--allow-private-addresses", action="store_true", help="Check loopback and private hosts too (local tests)."
    )
    parser.add_argument("legacy_url_file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    path = args.url_file or args.legacy_url_file
    if not path:
        parser.error("--url-file is required")
    try:
        urls = read_urls(path)
    except (OSError, UnicodeDecodeError) as exc:
        parser.error(f"cannot read {path}: {exc}")
    config = config_from_options(vars(args), allow_private_addresses=args.allow_private_addresses or None)
    # Everything imported so far lives until exit: keep the cyclic GC from re-scanning it during the run.
    gc.freeze()
    check_file(urls, config, as_json=args.json, progress=not args.no_progress, out=sys.stdout, err=sys.stderr)
    return 0
