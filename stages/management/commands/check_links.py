"""Check resource links now, or any list of URLs (``--url-file``) without touching the database."""

import gc
import json
import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from stages import link_selectors, link_services, linkcheck


class Command(BaseCommand):
    help = (
        "Check every resource link and record the results (as the nightly job does), or check the URLs "
        "in --url-file (one per line) without using the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url-file", help="Check these URLs (one per line, # comments; '-' for stdin) instead.")
        parser.add_argument("--json", action="store_true", help="With --url-file: one JSON object per URL per line.")
        parser.add_argument("--concurrency", type=int, help="Requests in flight at once (all hosts).")
        parser.add_argument("--per-host", type=int, help="Requests in flight at once to one host.")
        parser.add_argument("--per-host-interval", type=float, help="Seconds between two requests to one host.")
        parser.add_argument("--timeout", type=float, help="Seconds for one request, connection to last byte.")
        parser.add_argument("--connect-timeout", type=float)
        parser.add_argument("--read-timeout", type=float)
        parser.add_argument("--max-redirects", type=int)
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        # Keep the cyclic GC from re-scanning everything Django imported on every
        # collection during the run.
        gc.freeze()
        try:
            self._handle(options)
        finally:
            gc.unfreeze()

    def _handle(self, options):
        if options["json"] and not options["url_file"]:
            raise CommandError("--json needs --url-file (the database run prints a summary table).")
        for name in ("concurrency", "per_host", "max_redirects"):
            if options[name] is not None and options[name] < (0 if name == "max_redirects" else 1):
                raise CommandError(
                    f"--{name.replace('_', '-')} must be at least {0 if name == 'max_redirects' else 1}."
                )
        config = link_services.checker_config(
            concurrency=options["concurrency"],
            per_host_concurrency=options["per_host"],
            per_host_interval=options["per_host_interval"],
            total_timeout=options["timeout"],
            connect_timeout=options["connect_timeout"],
            read_timeout=options["read_timeout"],
            max_redirects=options["max_redirects"],
        )
        if options["url_file"]:
            self._check_file(options["url_file"], config, as_json=options["json"], progress=not options["no_progress"])
        else:
            self._check_resources(config, progress=not options["no_progress"])

    def _progress(self, total: int, enabled: bool):
        stream = getattr(self.stderr, "_out", sys.stderr)
        return tqdm(total=total, unit="url", file=stream, disable=not enabled, leave=True)

    def _read_urls(self, path: str) -> list[str]:
        try:
            if path == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]

    def _check_file(self, path: str, config, *, as_json: bool, progress: bool):
        urls = list(dict.fromkeys(self._read_urls(path)))
        with self._progress(len(urls), progress and not as_json) as bar:
            results = linkcheck.run_checks(urls, config, on_result=lambda _: bar.update())
        if as_json:
            for url in urls:
                self.stdout.write(json.dumps(results[url].as_dict()))
            return
        width = min(80, max((len(u) for u in urls), default=3))
        self.stdout.write(f"{'URL':<{width}}  {'STATUS':<12}  CODE  DETAIL")
        for url in urls:
            r = results[url]
            self.stdout.write(f"{url:<{width}}  {r.status:<12}  {r.http_status or '':<4}  {r.detail}")
        self._write_counts(Counter(str(r.status) for r in results.values()), len(urls))

    def _check_resources(self, config, *, progress: bool):
        from stages.models import Resource

        total = Resource.objects.values("url").distinct().count()
        with self._progress(total, progress) as bar:
            summary = link_services.run_link_check(config=config, on_result=lambda _: bar.update())
        self._write_counts(summary.counts, summary.checked)
        needing_a_look = list(link_selectors.link_report()["statuses"])
        if needing_a_look:
            self.stdout.write("")
            self.stdout.write("Links that need a look:")
            for status in needing_a_look:
                flag = " [flagged]" if status.flagged else ""
                self.stdout.write(
                    f"  {status.status:<12} {status.url}  ({status.resource.title}){flag} {status.detail}"
                )
        if summary.skipped:
            self.stdout.write(f"{summary.skipped} result(s) not recorded: another run or an admin edit came first.")
        if summary.newly_flagged:
            self.stdout.write(self.style.WARNING(f"{len(summary.newly_flagged)} link(s) newly flagged as broken."))
        if summary.notified:
            self.stdout.write(f"Admins were e-mailed about {summary.notified} broken link(s).")

    def _write_counts(self, counts: Counter, total: int):
        self.stdout.write("")
        self.stdout.write(f"{'Status':<14}{'Links':>6}")
        self.stdout.write("-" * 20)
        for status in linkcheck.Status:
            self.stdout.write(f"{status:<14}{counts.get(str(status), 0):>6}")
        self.stdout.write("-" * 20)
        self.stdout.write(f"{'total':<14}{total:>6}")
