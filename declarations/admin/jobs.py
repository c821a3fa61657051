"""Background jobs and the reminders sent: their state, who asked and when, read-only.

Administrators (and anyone given "Can view job") see every job; other staff see the jobs
they asked for. Nobody downloads another user's file from here: a job's file is served
only on its own page, to the user who asked.
"""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ..jobs import retry_job
from ..models import Job, JobState, SentReminder
from .base import progress_bar


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "kind",
        "state_shown",
        "progress_shown",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "attempts",
    ]
    list_filter = ["state", "kind", "requested_at"]
    list_select_related = ["requested_by"]
    search_fields = ["label", "requested_by__username", "error"]
    date_hierarchy = "requested_at"
    show_full_result_count = False
    actions = ["retry"]
    fields = [
        "label",
        "kind",
        "state_shown",
        "requested_by",
        "requested_at",
        "started_at",
        "progressed_at",
        "finished_at",
        "progress_shown",
        "attempts",
        "task_link",
        "error",
        "result",
        "download_name",
        "expires_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        if request.user.has_perm("declarations.view_job"):
            return jobs
        return jobs.filter(requested_by=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_queryset(self, request, queryset):
        for job in queryset:
            job.delete_file()
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        obj.delete_file()
        super().delete_model(request, obj)

    @admin.display(description="State", ordering="state")
    def state_shown(self, job):
        label = "Stalled (worker gone)" if job.stalled else job.get_state_display()
        return format_html('<span class="job-state job-state-{}">{}</span>', job.state, label)

    @admin.display(description="Progress")
    def progress_shown(self, job):
        if job.total:
            return format_html("{} {} of {}", progress_bar(job.percent), job.done, job.total)
        return progress_bar(job.percent)

    @admin.display(description="Task")
    def task_link(self, job):
        if not job.task_id:
            return "—"
        try:
            url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[job.task_id])
        except NoReverseMatch:  # the task backend keeps no rows (immediate backend)
            return job.task_id
        return format_html('<a href="{}">{}</a>', url, job.task_id)

    @admin.action(description="Retry the selected failed or stalled jobs")
    def retry(self, request, queryset):
        retried = sum(1 for job in queryset if job.state != JobState.DONE and retry_job(job))
        self.message_user(request, f"{retried} job(s) queued again.", messages.SUCCESS)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "kind", "party", "sent_at"]
    list_filter = ["kind", "day"]
    list_select_related = ["user", "party"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
