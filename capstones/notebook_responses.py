"""How a stored notebook is served: the rendering in a sandboxed frame (its own CSP), or the file."""

from django.http import FileResponse, HttpResponse
from django.utils.html import escape

from . import selectors
from .models import Rendering

# The notebook's own document: an opaque origin that may show inline styles and data: images, nothing else.
# A click on one of the app's own "Comment on cell N" links (target=_top) may open the page around the
# frame; no script runs, and a notebook's links carry no target (the sanitiser drops it).
NOTEBOOK_CSP = (
    "sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
)


# The public pages' frames: nothing of the conversation, no links out of the frame.
PUBLIC_NOTEBOOK_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def stored_rendering(iteration) -> str:
    """The rendering a worker stored; never made here (a big notebook would hold a web worker)."""
    rendering = selectors.rendering_of(iteration)
    if rendering is not None and rendering.status == Rendering.Status.DONE:
        return rendering.html
    if rendering is not None and rendering.status == Rendering.Status.FAILED:
        return _notice(escape(rendering.error) + " Download the notebook to read it in Jupyter.")
    # The iteration page reloads this frame once the rendering is stored (its status script, or its
    # own refresh without script); the frame's refresh helps where a browser lets a sandbox refresh.
    return _notice(
        "The notebook is being prepared for display; it appears here in a moment.", refresh=NOTEBOOK_REFRESH_SECONDS
    )


NOTEBOOK_REFRESH_SECONDS = 3


def _notice(text: str, *, refresh: int | None = None) -> str:
    meta = f"<meta http-equiv='refresh' content='{refresh}'>" if refresh else ""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{meta}<title>Notebook</title></head>"
        f"<body style='font-family:system-ui,sans-serif'><p>{text}</p></body></html>"
    )


def notebook_response(html: str, *, csp: str = NOTEBOOK_CSP) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = csp
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def download(iteration):
    filename = (
        iteration.original_name if iteration.original_name.endswith(".ipynb") else f"{iteration.original_name}.ipynb"
    )
    response = FileResponse(
        iteration.notebook.open("rb"), as_attachment=True, filename=filename, content_type="application/x-ipynb+json"
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
