from django.shortcuts import render

from progress import selectors as progress_selectors
from progress.models import Status

from . import selectors


def overview(request):
    stages = list(selectors.stage_overview())
    if request.user.is_authenticated:
        progress_selectors.attach_overview_progress(request.user, stages)
    return render(request, "stages/overview.html", {"stages": stages})


def detail(request, slug):
    stage = selectors.stage_detail(slug)
    context = {"stage": stage}
    if request.user.is_authenticated:
        progress_selectors.attach_stage_progress(request.user, stage)
        context["progress_status_choices"] = Status.choices
    return render(request, "stages/detail.html", context)
