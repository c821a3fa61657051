"""Where browser tests put their screenshots: the folder named by SCREENSHOTS (`make
screenshots` sets it to docs/, whose pictures the README shows), else a temporary folder, so
that an ordinary test run leaves the checkout as it found it."""

import os
import tempfile
from pathlib import Path


def screenshot_dir():
    folder = Path(os.environ.get("SCREENSHOTS") or Path(tempfile.gettempdir()) / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
