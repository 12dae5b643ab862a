"""Runs a reference metadata extractor over the development set (tests/metadata-dev).

Usage: python reference.py OUTPUT.json

Writes {"tool": "<name> <version>", "pages": {<page file>: {"title", "author", "date"}}}
for crates/quotebook-core/tests/metadata_rates.rs, which scores it with the same
comparisons as our extractor. A field the tool does not find is null.

The tool is trafilatura, through its `extract_metadata` (title, author, site name, and
the publication date from htmldate, with its defaults: original date, extensive search).
Each page is read the way the Rust test reads it: gunzipped, decoded as UTF-8 with
invalid bytes replaced, and given with the entry's URL.
"""

import gzip
import json
import sys
from importlib.metadata import version
from pathlib import Path

from trafilatura import extract_metadata

DEV = Path(__file__).resolve().parent.parent / "metadata-dev"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    entries = json.loads((DEV / "expected.json").read_text(encoding="utf-8"))
    pages = {}
    for entry in entries:
        page = entry["page"]
        html = gzip.decompress((DEV / "pages" / page).read_bytes()).decode(
            "utf-8", errors="replace"
        )
        doc = extract_metadata(html, default_url=entry["url"].strip())
        pages[page] = {
            "title": doc.title,
            "author": doc.author,
            "date": doc.date,
        }
    out = {"tool": f"trafilatura {version('trafilatura')}", "pages": pages}
    Path(sys.argv[1]).write_text(
        json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
