"""The curriculum as anyone sees it. Lazy TemplateResponses, so a feature's page can add
its part to the context before rendering (progress.views.stage_overview / stage_detail)."""

from django.template.response import TemplateResponse

from . import selectors


def overview(request) -> TemplateResponse:
    return TemplateResponse(request, "stages/overview.html", {"stages": list(selectors.stage_overview())})


def detail(request, slug) -> TemplateResponse:
    return TemplateResponse(request, "stages/detail.html", {"stage": selectors.stage_detail(slug)})
