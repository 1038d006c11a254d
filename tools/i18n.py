"""The translation workflow, on Babel's own tools (``pybabel extract`` / ``update``).

    python tools/i18n.py extract      # app → app/language/translations/messages.pot (every _(), gettext(), N_())
    python tools/i18n.py update       # the .pot → nb and nn messages.po (new ids empty, gone ids dropped)
    python tools/i18n.py missing      # ids without a bokmål or nynorsk translation (exit 1 if any)
    python tools/i18n.py set FILE     # fill translations from lines "English id|bokmål|nynorsk"

Message ids are English (English needs no catalogue). After changing texts in app: extract,
update, translate the new ids (in the .po files or with ``set``), and run the tests —
tests/test_i18n.py fails while an id lacks a translation or the .pot is not up to date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "app" / "language" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ("nb", "nn")
KEYWORDS = ("_", "gettext", "N_")


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(target: Path = TEMPLATE) -> None:
    keywords = [item for keyword in KEYWORDS for item in ("-k", keyword)]
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        *keywords,
        "--no-default-keywords",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(target),
        str(ROOT / "app"),  # every module with text: the web, the command line, the shared texts
    )


def update() -> None:
    for lang in LANGUAGES:
        pybabel(
            "update",
            "-i",
            str(TEMPLATE),
            "-d",
            str(TRANSLATIONS),
            "-l",
            lang,
            "-D",
            "messages",
            "--no-fuzzy-matching",
            "--ignore-obsolete",
            "--omit-header",
            "--no-wrap",
        )


def catalogue_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def missing() -> list[tuple[str, str]]:
    """(language, id) for every id of the template without a translation."""
    with TEMPLATE.open("rb") as handle:
        ids = [m.id for m in read_po(handle) if m.id]
    found = []
    for lang in LANGUAGES:
        with catalogue_path(lang).open("rb") as handle:
            done = {m.id for m in read_po(handle, locale=f"{lang}_NO") if m.id and m.string and not m.fuzzy}
        found += [(lang, i) for i in ids if i not in done]
    return found


def fill(source: Path) -> None:
    """Set translations from "English id|bokmål|nynorsk" lines (ids must already be in the catalogues)."""
    rows = [line.split("|") for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    for position, lang in enumerate(LANGUAGES, start=1):
        path = catalogue_path(lang)
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=f"{lang}_NO")
        for row in rows:
            message = catalogue.get(row[0])
            if message is None:
                raise SystemExit(f"not in the catalogue (run extract and update first): {row[0]!r}")
            message.string = row[position]
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=0, omit_header=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "missing":
        gaps = missing()
        for lang, message in gaps:
            print(f"{lang}: {message}")
        return 1 if gaps else 0
    elif command == "set" and len(argv) == 2:
        fill(Path(argv[1]))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
