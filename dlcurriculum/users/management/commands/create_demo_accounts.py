from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dlcurriculum.users.services import create_demo_accounts


class Command(BaseCommand):
    help = "Create (or reset) a demo learner, mentor and admin and print their passwords. Local mode only."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("Demo accounts exist only in local mode (DEBUG on).")
        self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are new on every run):"))
        for email, password, role in create_demo_accounts():
            self.stdout.write(f"  {role:<8} {email:<22} password: {password}")
