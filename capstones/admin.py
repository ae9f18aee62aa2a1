from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from dlcurriculum.users import changes
from dlcurriculum.users.changes_admin import StaffEditsMoveTheStamp

from . import policy
from .models import Comment, CriterionScore, Iteration, Portfolio, Report, Review, Submission


class IterationInline(admin.TabularInline):
    model = Iteration
    extra = 0
    can_delete = False
    fields = ["number", "original_name", "size", "repository_url", "created_at", "verdict"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["number"]

    def has_add_permission(self, request, obj=None):
        return False  # learners add iterations; an admin never replaces one

    @admin.display(description="Automatic check")
    def verdict(self, obj):
        report = getattr(obj, "report", None)
        return report.get_verdict_display() if report and report.verdict else "pending"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report")


class SubmissionAdminForm(forms.ModelForm):
    class Meta:
        model = Submission
        # What a mentor-admin may edit; SubmissionAdmin shows the rest read-only.
        fields = ["title", "idea", "own_problem", "mentor", "is_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mentor" in self.fields:
            self.fields["mentor"].queryset = policy.mentors()
            self.fields[
                "mentor"
            ].help_text = "Choose a mentor to assign the submission to them (it becomes 'in review')."


@admin.register(Submission)
class SubmissionAdmin(StaffEditsMoveTheStamp):
    learner_path = "learner"
    form = SubmissionAdminForm
    list_display = ["title", "learner", "brief", "status", "mentor", "waiting_since", "approved_at", "is_public"]
    list_filter = ["status", "brief", "is_public"]
    list_select_related = ["learner", "brief", "mentor"]
    search_fields = ["title", "learner__email", "learner__name", "own_problem"]
    readonly_fields = [
        "learner",
        "brief",
        "status",
        "claimed_at",
        "waiting_since",
        "approved_at",
        "created_at",
        "updated_at",
    ]
    fields = [
        "learner",
        "brief",
        "title",
        "idea",
        "own_problem",
        "status",
        "mentor",
        "claimed_at",
        "waiting_since",
        "approved_at",
        "is_public",
        "created_at",
        "updated_at",
    ]
    inlines = [IterationInline]
    actions = ["release_claims"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Status changes only through the state machine: a changed mentor is an assignment.
        new_mentor = form.cleaned_data.get("mentor")
        old_mentor_id = form.initial.get("mentor")
        obj.mentor_id = old_mentor_id
        super().save_model(request, obj, form, change)
        # Imported here: the notebook analysis behind the services would otherwise load with the
        # admin's autodiscovery, at the start-up of every process (management commands included).
        from . import services

        if new_mentor is not None and new_mentor.pk != old_mentor_id and policy.may_reassign(request.user, obj):
            # Another mentor's active claim moves only through the reassign page, which says what happens.
            url = reverse("capstones:reassign", kwargs={"pk": obj.pk})
            self.message_user(
                request,
                format_html('Mentor not changed: another mentor has it in review. <a href="{}">Reassign it</a>.', url),
                level=messages.WARNING,
            )
        elif new_mentor is not None and new_mentor.pk != old_mentor_id:
            try:
                services.assign(obj, admin=request.user, mentor=new_mentor)
            except (services.TransitionError, PermissionDenied) as exc:
                self.message_user(request, f"Mentor not assigned: {exc}", level=messages.ERROR)
            else:
                self.message_user(request, f"Assigned to {new_mentor}.")
        elif new_mentor is None and old_mentor_id and obj.status == Submission.Status.IN_REVIEW:
            services.release(obj, mentor=request.user)
            self.message_user(request, "Released back to the queue.")

    @admin.action(description="Release selected claims back to the queue")
    def release_claims(self, request, queryset):
        from . import services

        released = 0
        for submission in queryset.filter(status=Submission.Status.IN_REVIEW):
            services.release(submission, mentor=request.user)
            released += 1
        self.message_user(request, f"{released} submission(s) released.")


@admin.register(Iteration)
class IterationAdmin(StaffEditsMoveTheStamp):
    learner_path = "submission__learner"
    list_display = ["__str__", "number", "original_name", "size", "created_at"]
    list_select_related = ["submission"]
    search_fields = ["submission__title", "submission__learner__email", "original_name", "sha256"]
    readonly_fields = [
        "submission",
        "number",
        "notebook_download",
        "original_name",
        "size",
        "sha256",
        "repository_url",
        "write_up",
        "created_at",
    ]
    exclude = ["notebook"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # iterations are never overwritten

    @admin.display(description="Notebook")
    def notebook_download(self, obj):
        url = reverse("capstones:download", kwargs={"pk": obj.submission_id, "number": obj.number})
        return format_html('<a href="{}">Download {}</a>', url, obj.original_name)

    def get_queryset(self, request):
        return super().get_queryset(request)


@admin.register(Report)
class ReportAdmin(StaffEditsMoveTheStamp):
    learner_path = "iteration__submission__learner"
    list_display = ["iteration", "status", "verdict", "attempts", "enqueued_at", "finished_at"]
    list_filter = ["status", "verdict"]
    list_select_related = ["iteration__submission"]
    readonly_fields = ["iteration", "status", "verdict", "data", "error", "attempts", "enqueued_at", "finished_at"]
    actions = ["rerun"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Run the automatic check again")
    def rerun(self, request, queryset):
        from dlcurriculum.tasks import enqueue_on_commit

        from .tasks import analyse_iteration

        ids = list(queryset.values_list("iteration_id", flat=True))
        queryset.update(status=Report.Status.PENDING, verdict="", enqueued_at=timezone.now())
        changes.note_change(*self.learner_ids(queryset))  # their dashboards show the verdict
        for iteration_id in ids:
            enqueue_on_commit(analyse_iteration, iteration_id)
        self.message_user(request, f"{len(ids)} check(s) queued.")


class CriterionScoreInline(admin.TabularInline):
    """The review's rubric scores, as the mentor gave them: read only (the decision is history)."""

    model = CriterionScore
    extra = 0
    fields = ["criterion", "level", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion__brief", "level")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    inlines = [CriterionScoreInline]
    list_display = ["iteration", "mentor", "decision", "created_at", "notified_at"]
    list_filter = ["decision"]
    list_select_related = ["iteration__submission", "mentor"]
    readonly_fields = ["iteration", "mentor", "decision", "created_at", "notified_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["iteration", "author", "cell", "created_at"]
    list_select_related = ["iteration__submission", "author"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["iteration", "author"]


@admin.register(Portfolio)
class PortfolioAdmin(StaffEditsMoveTheStamp):
    learner_path = "learner"  # its slug is the address of the learner's public completion record
    list_display = ["learner", "slug", "is_public"]
    list_select_related = ["learner"]
    search_fields = ["learner__email", "slug"]
    raw_id_fields = ["learner"]
