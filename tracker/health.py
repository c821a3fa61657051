"""`/healthz` for load balancers and monitors: 200 when every backend a request needs answers
(the database, and each configured cache with a set/get round trip), 503 naming the one
that does not.

No authentication and no details beyond "ok"/"error" per backend: it must be cheap, and must
not tell an outsider anything about the deployment. Errors go to the log.
"""

import logging
import secrets
from contextlib import nullcontext

from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Short-lived, and unique per probe, so that two probes at once never read each other's value.
PROBE_SECONDS = 10


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache(alias):
    cache = caches[alias]
    key = f"healthz:{secrets.token_hex(4)}"
    value = secrets.token_hex(4)
    # A database cache's failed query (its table missing) must not spoil the transaction
    # around it, if any: on PostgreSQL every later query would fail too.
    with transaction.atomic() if isinstance(cache, BaseDatabaseCache) else nullcontext():
        cache.set(key, value, timeout=PROBE_SECONDS)
        if cache.get(key) != value:
            raise RuntimeError("a value just stored could not be read back")
        cache.delete(key)


def checks():
    """(name in the answer, check) for every backend a request needs."""
    yield "database", check_database
    for alias in caches:
        name = "cache" if alias == "default" else f"cache:{alias}"
        yield name, lambda alias=alias: check_cache(alias)


@never_cache
@require_safe
def healthz(request):
    body = {}
    for name, check in checks():
        try:
            check()
        except Exception as error:  # any failure of a backend, whatever its driver raises
            logger.error("Health check: the %s does not answer: %r", name, error)
            body[name] = "error"
        else:
            body[name] = "ok"
    healthy = all(state == "ok" for state in body.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **body}, status=200 if healthy else 503
    )
