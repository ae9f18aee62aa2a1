"""Check resource links now, or any list of URLs (``--url-file``) without touching the database.

The options, their defaults and the URL-file mode are ``stages.linkhealth.cli``'s,
shared with ``python -m stages.linkhealth.checker``. Imports that only the database run
needs wait until it runs: this command's start-up is part of every link check.
"""

import gc
import sys

from django.core.management.base import BaseCommand, CommandError

from stages.linkhealth import cli as linkcheck_cli


class Command(BaseCommand):
    help = (
        "Check every resource link and record the results (as the nightly job does), or check the URLs "
        "in --url-file (one per line) without using the database."
    )
    # Checking links needs none of the system checks (URL conf, templates, admin), which cost start-up time.
    requires_system_checks = []

    def add_arguments(self, parser):
        linkcheck_cli.add_arguments(parser)

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
        from stages.linkhealth import services as link_services

        config = linkcheck_cli.config_from_options(options, link_services.checker_config())
        progress = not options["no_progress"]
        if options["url_file"]:
            try:
                urls = linkcheck_cli.read_urls(options["url_file"])
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {options['url_file']}: {exc}") from exc
            linkcheck_cli.check_file(
                urls, config, as_json=options["json"], progress=progress, out=self.stdout, err=self._err_stream()
            )
        else:
            self._check_resources(link_services, config, progress=progress)

    def _err_stream(self):
        return getattr(self.stderr, "_out", sys.stderr)

    def _check_resources(self, link_services, config, *, progress: bool):
        from tqdm import tqdm

        from stages.linkhealth import selectors as link_selectors
        from stages.models import Resource

        total = Resource.objects.values("url").distinct().count()
        with tqdm(total=total, unit="url", file=self._err_stream(), disable=not progress, leave=True) as bar:
            summary = link_services.run_link_check(config=config, on_result=lambda _: bar.update())
        linkcheck_cli.write_counts(summary.counts, summary.checked, self.stdout)
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
