"""Many new rows at once, with their history rows: `bulk_create` and simple_history's
`bulk_create_with_history` everywhere, and on PostgreSQL the same rows through COPY.

Django's bulk INSERT prepares each value of each row through its field (most of the
status import's write); COPY sends the rows as they are. The values are the instances'
own, read by attribute name, so only field types whose attribute already is what the
database stores may take that path (`COPIED_FIELDS`); a model with any other field is
written by `bulk_create`. Primary keys are drawn from the table's sequence first (one
query per batch), so the instances come back saved with their ids, as `bulk_create`
returns them on PostgreSQL.
"""

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_change_reason_from_object

# Fields whose attribute value is what the column holds (a FileField's attribute is a
# FieldFile: its name is stored; see `column_value`).
COPIED_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.TextField,
    models.FileField,
)


def copyable(model, objs=()):
    """Whether `objs` of `model` may be written by COPY: on PostgreSQL, with no field that
    computes its value on save (auto_now, or a file still to be stored)."""
    fields = model._meta.concrete_fields
    if connection.vendor != "postgresql" or not all(
        isinstance(field, COPIED_FIELDS) and not getattr(field, "auto_now", False)
        for field in fields
    ):
        return False
    files = [field.attname for field in fields if isinstance(field, models.FileField)]
    return not any(
        getattr(obj, name) and not getattr(obj, name)._committed for obj in objs for name in files
    )


def column_value(field, obj):
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return value.name or ""
    return value


def draw_ids(model, count):
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, rows, fields):
    """COPY `rows` (tuples of values in `fields` order) into the model's table."""
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def copy_objects(model, objs):
    """Write unsaved instances by COPY, each given its id first; returns them, saved."""
    for obj, pk in zip(objs, draw_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    fields = model._meta.concrete_fields
    copy_rows(model, ([column_value(f, obj) for f in fields] for obj in objs), fields)
    return objs


def copy_history(model, objs, *, default_user):
    """The rows simple_history's `bulk_history_create` writes for new `objs`, by COPY."""
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    extra = ["history_date", "history_user_id", "history_change_reason", "history_type"]
    fields = [history._meta.get_field(name) for name in tracked]
    fields += [history._meta.get_field(name.removesuffix("_id")) for name in extra]
    rows = (
        [
            *(getattr(obj, name) for name in tracked),
            getattr(obj, "_history_date", None) or timezone.now(),
            getattr(getattr(obj, "_history_user", default_user), "pk", None),
            get_change_reason_from_object(obj),
            "+",
        ]
        for obj in objs
    )
    copy_rows(history, rows, fields)


def create_with_history(objs, model, *, by, batch_size):
    """`bulk_create_with_history(objs, model, default_user=by)`, by COPY where it can."""
    if not objs:
        return objs
    if not (copyable(model, objs) and copyable(model.history.model)):
        return bulk_create_with_history(objs, model, batch_size=batch_size, default_user=by)
    copy_objects(model, objs)
    copy_history(model, objs, default_user=by)
    return objs


def create(objs, model, *, batch_size):
    """`model.objects.bulk_create(objs)`, by COPY where it can."""
    if objs and copyable(model, objs):
        return copy_objects(model, objs)
    return model.objects.bulk_create(objs, batch_size=batch_size)
