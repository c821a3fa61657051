"""The staff editing UI.

Rules that matter here, each enforced in this package and pinned by tests/test_admin.py:
- every status entry is written by `record_status` / `submit_status` / `review_status`,
  whatever the page (add form, instrument page, bulk action, import), so scope and review
  rules are those of the model layer;
- a country editor sees published entries plus their own parties' entries, and may change
  only their parties' drafts; published and rejected entries are read-only for everyone;
- every model staff edit carries a version, and so does each inline row (VersionedMixin,
  VersionedInlineMixin): a save over a newer version is refused with a message and the
  page writes nothing (tests/test_lost_updates.py races every page and inline);
- history pages are read-only (django-simple-history's "revert" form is closed).

Each module registers its models: importing them here is what `admin.autodiscover()`
runs.
"""

from . import declarations, instruments, jobs, rounds, statuses, tokens  # noqa: F401
