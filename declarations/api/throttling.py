"""How often a caller may ask: a counter per caller and clock minute in the cache."""

import time

from rest_framework import permissions, throttling
from rest_framework.settings import api_settings


class CountingThrottle:
    """At most N requests per window (600/minute: per clock minute) for each caller, counted
    with a cache increment per request.

    DRF's own throttles keep the time of every request in the window and write the whole
    list back on each request: at 600/minute that is up to 600 timestamps read and written
    per request, and two processes writing the list at the same time lose each other's
    requests. A counter per window is a small write, and an atomic one in Redis (INCR). The
    price is the usual one of fixed windows: a burst across a window boundary can briefly
    reach twice the rate. The rate is read from the settings at each request, so a changed
    setting (and a test's override) takes effect.
    """

    timer = time.time

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The window's first request; unless another process has just created it.
            created = self.cache.add(key, 1, timeout=self.duration + 1)
            count = 1 if created else self.cache.incr(key)
        return count <= self.num_requests

    def wait(self):
        return max(self.window_ends - self.now, 1)


class AnonThrottle(CountingThrottle, throttling.AnonRateThrottle):
    """Anonymous callers of a public API, by address."""


class UserThrottle(CountingThrottle, throttling.UserRateThrottle):
    """Signed-in callers and token holders, by user."""


class WriteThrottle(UserThrottle):
    """A tighter budget for writes, on top of the per-user one."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)
