"""Add or update messages in the nb and nn catalogues from a '|'-separated file.

Each line: ``English message id|bokmål|nynorsk``. Existing translations are replaced.
Usage: python tools/add_translations.py FILE [DOMAIN]   (DOMAIN: the .po file name, default messages)
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1] / "app" / "web" / "translations"


def load(lang: str, domain: str) -> Catalog:
    path = ROOT / lang / "LC_MESSAGES" / f"{domain}.po"
    if path.exists():
        with path.open("rb") as handle:
            return read_po(handle, locale=f"{lang}_NO")
    return Catalog(locale=f"{lang}_NO", project="fjernarbeid")


def main(source: str, domain: str = "messages") -> None:
    catalogues = {"nb": load("nb", domain), "nn": load("nn", domain)}
    for line in Path(source).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        msgid, nb, nn = line.split("|")
        for lang, text in (("nb", nb), ("nn", nn)):
            if msgid in catalogues[lang]:
                del catalogues[lang][msgid]  # Catalog.add would keep the old translation
            catalogues[lang].add(msgid, text)
    for lang, cat in catalogues.items():
        path = ROOT / lang / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, cat, sort_output=True, width=0)


if __name__ == "__main__":
    main(*sys.argv[1:3])
