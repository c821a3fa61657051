"""Optimistic locking for every model with a `version` field: an edit saved over someone
else's newer save is refused, and nothing is overwritten.

Every model staff can edit carries a version, and every write of an existing row goes
through `save_versioned` or `delete_versioned`: the admin's pages and inline rows, the
declaration importer's updates, the status workflow.
"""

from django.db import transaction
from django.db.models import F

from tracker import audit
from tracker.audit import describe


class EditConflict(Exception):
    """Someone saved the object after the editor loaded it; nothing was written."""


def conflict_message(model):
    return (
        f"This {model._meta.verbose_name} was changed by someone else since you opened it; "
        "reload to see their changes. Nothing was saved."
    )


def is_current_version(obj, version):
    """Whether the stored row of `obj` still carries `version` (a cheap early check)."""
    return type(obj)._default_manager.filter(pk=obj.pk, version=version).exists()


def _claim(obj, version):
    """Increment the stored version of `obj` if it is still `version`, or raise."""
    model = type(obj)
    claimed = model._default_manager.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        audit.event("edit_conflict", object=describe(obj), version_seen=version)
        raise EditConflict(conflict_message(model))


@transaction.atomic
def save_versioned(obj, *, version, update_fields=None):
    """Save `obj` only if its row still carries `version`, the one its editor loaded.

    Optimistic locking for every model with a `version` field: a conditional
    UPDATE ... WHERE pk = ... AND version = ... claims the row and increments its version.
    Of two saves that loaded the same version the database lets exactly one match; the
    other raises EditConflict and, inside the same transaction, writes nothing.
    """
    _claim(obj, version)
    obj.version = version + 1
    if update_fields is not None:
        update_fields = [*update_fields, "version"]
    obj.save(update_fields=update_fields)
    return obj


@transaction.atomic
def delete_versioned(obj, *, version):
    """Delete `obj` only if its row still carries `version`: a delete made from a page loaded
    before someone else's save would throw their change away unseen."""
    _claim(obj, version)
    obj.delete()
