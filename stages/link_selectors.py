"""Link health reads, each in a constant number of queries."""

from django.db.models import Count, F

from .models import LinkState, LinkStatus, Resource


def link_report() -> dict:
    """What the staff link report shows: counts per state and every link that needs a look."""
    current = LinkStatus.objects.filter(url=F("resource__url"))
    counts = {row["status"]: row["n"] for row in current.values("status").annotate(n=Count("pk")).order_by()}
    total = Resource.objects.count()
    counts[LinkState.UNCHECKED] = counts.get(LinkState.UNCHECKED, 0) + total - sum(counts.values())
    attention = (
        current.exclude(status=LinkState.OK, flagged=False)
        .exclude(status=LinkState.UNCHECKED)
        .select_related("resource__stage")
        .order_by("-flagged", "status", "resource__stage__order", "resource__order")
    )
    return {
        "counts": [(label, counts.get(value, 0), value) for value, label in LinkState.choices],
        "total": total,
        "flagged_count": current.filter(flagged=True).count(),
        "statuses": attention,
        "unchecked_count": counts[LinkState.UNCHECKED],
    }
