"""Values every template may need, e-mails rendered by allauth included."""

from django.conf import settings


def site(request) -> dict[str, str]:
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
