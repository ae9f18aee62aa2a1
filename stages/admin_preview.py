"""Markdown fields in the admin with a preview rendered exactly as learners will see it."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# A preview request is one field's text; a stage body is a few kilobytes.
MAX_PREVIEW_CHARACTERS = 100_000


def _render_markdown(text: str) -> str:
    # Imported on first use: the renderer would otherwise load with the admin's autodiscovery, at the
    # start-up of every process (management commands included).
    from dlcurriculum.markdown import render_markdown

    return render_markdown(text)


class MarkdownPreviewWidget(forms.Textarea):
    """A textarea with the rendered text under it.

    Without JavaScript the preview shows the text as the page was loaded (so "Save and continue
    editing" previews an edit); with it, "Update preview" renders the text being typed.
    """

    def __init__(self, preview_url: str, attrs=None):
        super().__init__(attrs={"rows": 14, "cols": 90, **(attrs or {})})
        self.preview_url = preview_url

    class Media:
        css = {"all": ["stages/admin_preview.css"]}
        js = ["stages/admin_preview.js"]

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id", f"id_{name}")
        return format_html(
            '<div class="markdown-field">{}<div class="markdown-preview-tools">'
            '<button type="button" class="button markdown-preview-button" '
            'data-preview-url="{}" data-source="{}">Update preview</button></div>'
            '<div class="markdown-preview" id="{}_preview" aria-live="polite" aria-label="Preview as learners see it">'
            "{}</div></div>",
            textarea,
            self.preview_url,
            field_id,
            field_id,
            mark_safe(_render_markdown(value or "")),  # noqa: S308 - sanitised by nh3 in render_markdown
        )


class MarkdownPreviewMixin:
    """For a ModelAdmin: the fields named in ``markdown_fields`` get a preview (and LF line breaks)."""

    markdown_fields: list[str] = []

    def _preview_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_markdown_preview"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownPreviewWidget(reverse(f"admin:{self._preview_url_name()}"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        preview = path(
            "markdown-preview/", self.admin_site.admin_view(self.markdown_preview_view), name=self._preview_url_name()
        )
        return [preview, *super().get_urls()]

    def markdown_preview_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > MAX_PREVIEW_CHARACTERS:
            return HttpResponse(
                f"Too long to preview (over {MAX_PREVIEW_CHARACTERS:,} characters).",
                status=413,
                content_type="text/plain",
            )
        return HttpResponse(_render_markdown(text), content_type="text/html; charset=utf-8")


class UnixNewlinesField(forms.CharField):
    """Browsers send a textarea's line breaks as CRLF; the curriculum file and every saved text use LF.
    Without this, saving a form untouched logs "Changed Body" and adds a version nobody made."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class TextAsSavedMixin:
    """For a ModelAdmin or inline: every long text field compares and saves with LF line breaks."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", UnixNewlinesField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
