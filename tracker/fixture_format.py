"""Django's JSON fixture format, with timestamps kept to the microsecond.

Django's own encoder cuts datetimes to milliseconds, so a dumpdata/loaddata round trip
(`manage.py backup` / `restore`) would move publication times, which order the API's sync
feed and appear in its answers. Registered as the "json" format in SERIALIZATION_MODULES;
reading is unchanged, since Django parses microseconds already.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoSerializer

__all__ = ["Deserializer", "Serializer"]


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseEncoder
