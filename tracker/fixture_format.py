"""Django's JSON fixture format, with timestamps kept to the microsecond.

Django's own encoder cuts datetimes to milliseconds, so a dumpdata/loaddata round trip
(`manage.py backup` / `restore`) would move publication times, which order the API's sync
feed and appear in its answers. Registered as the "json" format in SERIALIZATION_MODULES;
reading is unchanged, since Django parses microseconds already.

`manage.py backup` and `restore` show their progress through `progress`: while it holds
a `tracker.progress.Progress`, each object written or read advances it.
"""

import contextvars
import datetime

from django.core.serializers.base import ProgressBar
from django.core.serializers.json import Deserializer as DjangoDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoSerializer

progress = contextvars.ContextVar("fixture_progress", default=None)

__all__ = ["Deserializer", "Serializer"]


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ReportingProgressBar(ProgressBar):
    """Django's dots when dumpdata asks for them; the command's own bar when one is set."""

    def update(self, count):
        bar = progress.get()
        if bar is not None:
            bar.update(count)
        else:
            super().update(count)


class Serializer(DjangoSerializer):
    progress_class = ReportingProgressBar

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseEncoder


class Deserializer(DjangoDeserializer):
    def __init__(self, stream_or_string, **options):
        super().__init__(stream_or_string, **options)
        self.bar = progress.get()
        if self.bar is not None:
            self.bar.set_total((self.bar.total or 0) + len(self.stream))

    def _handle_object(self, obj):
        yield from super()._handle_object(obj)
        if self.bar is not None:
            self.bar.advance()
