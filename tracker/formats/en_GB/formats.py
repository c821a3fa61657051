"""How dates are shown and typed: day first, as ASEAN users read them ("30 Nov 2026",
"30/11/2026"). Every page, form and mail takes them from here (FORMAT_MODULE_PATH); the
API and downloads keep ISO 8601."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# The first is what date fields show; ISO is still accepted, for pasted values and links.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
FIRST_DAY_OF_WEEK = 1
