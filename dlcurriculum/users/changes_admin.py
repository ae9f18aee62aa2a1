"""Staff's edits in the Django admin move the learner's change stamp, as the services' writes do
(see dlcurriculum.users.changes): the only writers of what a learner sees that are not services.

Each admin request that may write (a change form, a deletion, a list's action or bulk edit) runs
as one ``changes.atomic`` block, and the hooks Django calls for its writes note the learners of
the rows; a service called from the admin (an assignment) notes its own in the same block. So a
staff edit is one UPDATE of the stamp, whatever it saved, deleted or set off.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from . import changes


class StaffEditsMoveTheStamp(admin.ModelAdmin):
    """A ModelAdmin whose rows belong to a learner, at ``learner_path`` (``"user"``,
    ``"submission__learner"``): what staff save or delete moves that learner's stamp."""

    learner_path: str = "user"

    def learner_ids(self, rows: QuerySet) -> list[int]:
        return list(rows.values_list(self.learner_path, flat=True).distinct())

    def _learners_of(self, obj) -> list[int]:
        if "__" not in self.learner_path:
            return [getattr(obj, f"{self.learner_path}_id")]  # no query
        return self.learner_ids(type(obj)._default_manager.filter(pk=obj.pk))

    # The views: one block per request that may write (a GET only reads).
    def changeform_view(self, request, *args, **kwargs):
        return self._in_one_block(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._in_one_block(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._in_one_block(request, super().changelist_view, *args, **kwargs)

    @staticmethod
    def _in_one_block(request, view, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with changes.atomic():
            return view(request, *args, **kwargs)

    # The writes.
    def save_model(self, request, obj, form, change):
        # A row moved to another learner leaves the first one's pages too.
        before = self.learner_ids(type(obj)._default_manager.filter(pk=obj.pk)) if change else []
        super().save_model(request, obj, form, change)
        changes.note_change(*before, *self._learners_of(obj))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        changes.note_change(*self._learners_of(form.instance))

    def delete_model(self, request, obj):
        learners = self._learners_of(obj)
        super().delete_model(request, obj)
        changes.note_change(*learners)

    def delete_queryset(self, request, queryset):
        learners = self.learner_ids(queryset)
        super().delete_queryset(request, queryset)
        changes.note_change(*learners)
