"""Reverting one curriculum object to an earlier version without touching anything else.

django-reversion's own revert restores the whole revision a version belongs to: the file load
(every stage and resource at once) or a stage saved with its inline resources. Reverting one
resource that way silently undid a stage body saved since and put every resource back in its old
order. Here a revert is a confirmation page naming each field it would change (the position
unticked), the later edits it undoes, and a save of only the ticked fields of this one row, recorded
as a new version with its own comment. Recovering a deleted object brings back that row alone.
"""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from reversion.models import Version

from . import history


class SingleObjectRevertMixin:
    """Put first in a VersionAdmin's bases: its "Revert" view changes only what it names."""

    revert_confirmation_template = "admin/stages/revert_confirmation.html"

    def after_revert(self, request, obj, fields: list[str]) -> None:
        """What else a save through the change form would do for these fields (a model admin adds to it)."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        changes = history.field_changes(obj, version)
        change_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)]
        )
        if request.method == "POST":
            chosen = [c.name for c in changes if c.name in request.POST.getlist("field")]
            if not chosen:
                messages.warning(request, "Nothing was reverted: no field was ticked.")
                return redirect(request.path)
            labels = history.revert_fields(obj, version, chosen, user=request.user)
            self.after_revert(request, obj, chosen)
            self.log_change(request, obj, [{"changed": {"fields": labels}}])
            messages.success(
                request,
                f"{self.opts.verbose_name.capitalize()} “{obj}”: {', '.join(labels)} reverted. "
                "Nothing else was changed.",
            )
            return redirect(change_url)
        later = history.later_edits(obj, version)
        changed_by = history.last_changed(version, later, [c.name for c in changes])
        for change in changes:
            change.changed_by = changed_by.get(change.name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "version": version,
            "changes": changes,
            "later_edits": later,
            "change_url": change_url,
            "history_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history", args=[quote(obj.pk)]
            ),
            "title": f"Revert {obj} to an earlier version",
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.revert_confirmation_template, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        changelist = reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if request.method == "POST":
            try:
                obj = history.restore_deleted(version, user=request.user)
            except (IntegrityError, ObjectDoesNotExist):
                messages.error(
                    request,
                    f"“{version.object_repr}” cannot come back as it was: what it belongs to (its stage or "
                    "brief) is gone, or its key is taken. Restore that first, or add it again.",
                )
                return redirect(changelist)
            self.log_addition(request, obj, [{"added": {}}])
            messages.success(
                request, f"{self.opts.verbose_name.capitalize()} “{obj}” restored. Nothing else was changed."
            )
            return redirect(
                reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)]
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "version": version,
            "fields": history.version_fields(version),
            "changelist_url": changelist,
            "title": f"Restore {version.object_repr}",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/stages/recover_confirmation.html", context)
