from allauth.account.models import EmailAddress


def verified_owners(users, email: str) -> list:
    """Those of ``users`` for whom ``email`` is a verified address."""
    verified = set(
        EmailAddress.objects.filter(
            user__in=[user.pk for user in users], email__iexact=email, verified=True
        ).values_list("user_id", flat=True)
    )
    return [user for user in users if user.pk in verified]
