from django.core.management.base import BaseCommand, CommandError

from progress.reminders.sending import PassResult, run_reminder_pass


class Command(BaseCommand):
    help = "Send the reminder e-mails that are due now (what the hourly Celery beat job runs)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send and record nothing.")
        parser.add_argument("--batch-size", type=int, default=None, help="Learners per batch (default: settings).")
        parser.add_argument("--sample", type=int, default=5, help="How many planned reminders to show (dry run).")

    def handle(self, *args, dry_run=False, batch_size=None, sample=5, verbosity=1, **options):
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(result: PassResult) -> None:
            if verbosity >= 1:
                self.stderr.write(
                    f"… batch {result.batches}: {result.checked} learners checked, {result.due} due"
                    + ("" if dry_run else f", {result.sent} sent, {result.retrying} to retry, {result.failed} failed")
                )

        result = run_reminder_pass(dry_run=dry_run, batch_size=batch_size, on_batch=progress, sample_size=sample)
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.kinds.items())) or "none"
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.due} reminder(s) would be sent ({kinds}) to {result.checked} learner(s) checked; "
                f"{result.finished} finished learner(s) left alone, {result.held} paused or on track with their "
                "pace plan. Nothing was sent or recorded."
            )
            for planned in result.sample:
                new = f", {planned.new_resources} new resource(s)" if planned.new_resources else ""
                self.stdout.write(f"  {planned.email}: {planned.period} — next up: {planned.next_up}{new}")
        else:
            self.stdout.write(
                f"Sent {result.sent} reminder(s) ({kinds}) after checking {result.checked} learner(s); "
                f"{result.retrying} will be retried, {result.failed} failed permanently, "
                f"{result.finished} finished learner(s) left alone, {result.held} paused or on track with their "
                "pace plan."
            )
