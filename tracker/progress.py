"""Progress of a long management command: a bar on a terminal, plain lines otherwise.

    with Progress(self.stdout, "statuses", total=10_000) as bar:
        for batch in batches:
            ...
            bar.advance(len(batch))

On a terminal it is a rich progress bar (done of total, rate, time left) that redraws in
place; written to a file or a pipe (cron, CI, a log collector) it is one line per tenth
of the total, or per `every` items when the total is unknown, and a closing line, so logs
stay readable.
"""

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress


def _raw(stream):
    """The stream under Django's OutputWrapper, which would add a newline to each write."""
    return getattr(stream, "_out", stream)


class Progress:
    def __init__(self, stream, label, total=None, *, every=1000, unit="rows"):
        self.out = _raw(stream)
        self.label, self.total, self.every, self.unit = label, total, every, unit
        self.done = 0
        self.tty = hasattr(self.out, "isatty") and self.out.isatty()
        self._bar = None
        self._mark = 0
        self._started = time.monotonic()

    def __enter__(self):
        return self.start()

    def start(self):
        if self.tty:
            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.out),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def set_total(self, total):
        self.total = total
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def report(self, done, total=None):
        """`done` of `total` so far: the signature of `Job.report_progress`, so a function
        that reports to a job reports to a terminal as well."""
        if total is not None and total != self.total:
            self.set_total(total)
        self.update(done)

    def advance(self, count=1):
        self.update(self.done + count)

    def update(self, done):
        self.done = done
        if self._bar is not None:
            self._bar.update(self._task, completed=done)
            return
        mark = self._mark_of(done)
        if mark != self._mark:
            self._mark = mark
            of = f"/{self.total:,}" if self.total else ""
            self.out.write(f"{self.label}: {done:,}{of} {self.unit}\n")
            self.out.flush()

    def _mark_of(self, done):
        if self.total:
            return done * 10 // self.total
        return done // self.every

    def finish(self, completed=True):
        """Stop the bar and, when the work completed, say how much in how long."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elapsed = time.monotonic() - self._started
        rate = self.done / elapsed if elapsed else 0
        if completed:
            self.out.write(
                f"{self.label}: {self.done:,} {self.unit} in {elapsed:.1f}s ({rate:,.0f}/s)\n"
            )
            self.out.flush()

    def __exit__(self, exc_type, exc, traceback):
        self.finish(completed=exc_type is None)
        return False
