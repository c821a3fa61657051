"""A declaration import confirmed in the admin, written by a worker when the text is large
(over TRACKER_BACKGROUND_IMPORT_BYTES). The text is parsed again from the job's
parameters, as the confirm step always does, and written by `apply_import` in one
transaction: a worker stopped half-way writes nothing, and the job can be retried."""

from django.urls import reverse

from ..jobs import JobFailed, job_task
from .importing import ImportRejected, apply_import, plan_import
from .linking import resolve_choices

PARSE, WRITE = 1, 2  # the job's steps, as its progress shows them


@job_task
def import_declaration_text(job):
    params = job.params
    job.report_progress(0, WRITE)
    try:
        plan = plan_import(
            params["text"], slug=params.get("slug") or None, source_url=params.get("source_url", "")
        )
        plan.choose_links(resolve_choices(params.get("links", {})))
        job.report_progress(PARSE)
        declaration = apply_import(plan, update=params.get("update", False))
    except ImportRejected as rejected:
        raise JobFailed(f"{rejected} Nothing was written.") from None
    return {
        "declaration": declaration.slug,
        "updated": plan.existing is not None,
        "clauses": len(plan.parsed.clauses),
        "new_instruments": len(plan.new_instruments),
        "url": reverse("admin:declarations_declaration_change", args=[declaration.pk]),
        "url_text": f"Check the clauses and instrument links of {declaration}",
    }
