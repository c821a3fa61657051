"""Adds each response's server time and query count as headers. Mounted only by
bench/settings.py, so no production response ever carries them."""

import time

from django.db import connection


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = f"app;dur={elapsed * 1000:.2f}"
        response["X-Bench-Queries"] = str(queries)
        return response
