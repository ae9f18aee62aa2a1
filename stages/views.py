from django.shortcuts import render

from . import selectors


def overview(request):
    return render(request, "stages/overview.html", {"stages": selectors.stage_overview()})


def detail(request, slug):
    stage = selectors.stage_detail(slug)
    return render(request, "stages/detail.html", {"stage": stage})
