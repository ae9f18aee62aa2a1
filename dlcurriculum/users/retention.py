"""Expired sessions (registered with dlcurriculum.retention in UsersConfig.ready).

Django leaves expired session rows in the table until ``clearsessions`` runs, which deletes them
all in one statement; here they go with the rest of the housekeeping, a batch at a time.
"""

from datetime import datetime

from django.contrib.sessions.models import Session


def expired_sessions(now: datetime):
    return Session.objects.filter(expire_date__lt=now)
