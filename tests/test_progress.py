"""Long management commands show a bar on a terminal and plain lines otherwise."""

import io

import pytest
from django.core.management import call_command

from tests.test_importing import SEED
from tracker.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_off_a_terminal_it_writes_a_line_per_tenth_and_a_closing_line():
    out = io.StringIO()
    with Progress(out, "rows", total=100) as bar:
        for _ in range(100):
            bar.advance()
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["rows: 10/100 rows", "rows: 20/100 rows", "rows: 30/100 rows"]
    assert lines[9] == "rows: 100/100 rows"
    assert lines[10].startswith("rows: 100 rows in ")
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_without_a_total_it_writes_a_line_every_so_many():
    out = io.StringIO()
    with Progress(out, "restore", every=250, unit="objects") as bar:
        bar.update(600)
    assert out.getvalue().splitlines()[0] == "restore: 600 objects"


def test_on_a_terminal_it_draws_a_bar():
    out = Terminal()
    with Progress(out, "statuses", total=50) as bar:
        bar.report(50)
    drawn = out.getvalue()
    assert "statuses" in drawn and "50/50" in drawn and "━" in drawn


def test_a_failure_leaves_no_closing_line():
    out = io.StringIO()
    with pytest.raises(RuntimeError), Progress(out, "rows", total=10) as bar:
        bar.update(3)
        raise RuntimeError
    assert " in " not in out.getvalue()


@pytest.mark.django_db
def test_backup_and_restore_report_their_objects(tmp_path):
    file = str(tmp_path / "backup.json")
    err = io.StringIO()
    call_command("backup", file, stdout=io.StringIO(), stderr=err)
    assert "backup: " in err.getvalue() and " objects in " in err.getvalue()
    err = io.StringIO()
    call_command("restore", file, "--replace", stdout=io.StringIO(), stderr=err)
    assert "restore: " in err.getvalue() and " objects in " in err.getvalue()


@pytest.mark.django_db
def test_importing_a_file_reports_its_steps(tmp_path):
    path = tmp_path / "declaration.txt"
    path.write_text(SEED, encoding="utf-8")
    err = io.StringIO()
    call_command("import_declaration", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines()[:2] == ["import: 1/2 steps", "import: 2/2 steps"]


@pytest.mark.django_db
def test_generate_synthetic_reports_its_statuses():
    out = io.StringIO()
    call_command(
        "generate_synthetic", "--declarations", "1", "--instruments", "4", "--statuses", "20",
        "--batch-size", "10", stdout=out,
    )  # fmt: skip
    assert "statuses: 10/20 rows" in out.getvalue() and "statuses: 20 rows in " in out.getvalue()


# Each long command: a bar on a terminal, lines otherwise ---------------------------------


def run_on(stream_name, stream, tmp_path, command):
    """Run one of the long commands with `stream` as its stdout or stderr."""
    streams = {"stdout": io.StringIO(), "stderr": io.StringIO(), stream_name: stream}
    if command == "generate_synthetic":
        call_command(
            "generate_synthetic", "--declarations", "1", "--instruments", "4", "--statuses",
            "20", "--batch-size", "10", **streams,
        )  # fmt: skip
    elif command == "import_declaration":
        path = tmp_path / "declaration.txt"
        path.write_text(SEED, encoding="utf-8")
        call_command("import_declaration", str(path), **streams)
    elif command in {"backup", "restore"}:
        file = str(tmp_path / "backup.json")
        call_command("backup", file, stdout=io.StringIO(), stderr=io.StringIO())
        if command == "backup":
            call_command("backup", file, **streams)
        else:
            call_command("restore", file, "--replace", **streams)
    else:
        call_command("send_reminders", "--dry-run", **streams)


# (command, the stream its progress goes to, its label): the report goes beside the
# output, so that a command's stdout stays what scripts read.
COMMANDS = [
    ("generate_synthetic", "stdout", "statuses"),
    ("import_declaration", "stderr", "import"),
    ("backup", "stderr", "backup"),
    ("restore", "stderr", "restore"),
    ("send_reminders", "stderr", "parties"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "stream", "label"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_long_command_draws_a_bar_on_a_terminal(
    command, stream, label, tmp_path, malaysia_editor
):
    terminal = Terminal()
    run_on(stream, terminal, tmp_path, command)
    drawn = terminal.getvalue()
    assert label in drawn and "━" in drawn, drawn


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "stream", "label"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_each_long_command_writes_plain_lines_off_a_terminal(
    command, stream, label, tmp_path, malaysia_editor
):
    out = io.StringIO()
    run_on(stream, out, tmp_path, command)
    written = out.getvalue()
    lines = [line for line in written.splitlines() if line.startswith(f"{label}: ")]
    assert lines and any(" in " in line and "/s)" in line for line in lines), written
    assert "\x1b" not in written and "\r" not in written and "━" not in written
