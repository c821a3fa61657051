"""Settings for the benchmark's own server: the production settings plus a timing
middleware and a URLconf with the bare comparison views. Used only by bench/run.py."""

from tracker import settings as _production

globals().update({name: value for name, value in vars(_production).items() if name.isupper()})

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.timing.ServerTiming", *_production.MIDDLEWARE]
