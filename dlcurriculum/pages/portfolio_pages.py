"""A learner's public portfolio page, composed here: their approved capstones (capstones) with their
public completion record (progress), which capstones cannot read."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from capstones import portfolio_views
from capstones import selectors as capstone_selectors

from .selectors import public_completion_record


def _page(request, portfolio, submissions):
    context = portfolio_views.portfolio_context(request, portfolio, submissions)
    context["completion_record"] = public_completion_record(portfolio.learner)
    return render(request, "pages/portfolio.html", context)


def portfolio_by_handle(request, handle):
    try:
        portfolio, submissions = capstone_selectors.public_portfolio_by_handle(handle)
    except Http404:
        return portfolio_views.renamed(handle)
    return _page(request, portfolio, submissions)


def portfolio_by_slug(request, slug):
    portfolio, submissions = capstone_selectors.public_portfolio(slug)
    if portfolio.handle:
        # The first, opaque addresses keep working for links already shared.
        return redirect(portfolio.get_absolute_url(), permanent=True)
    return _page(request, portfolio, submissions)
