"""Tables as text, one way for every export and print: csv for other tools, ``table`` (aligned
columns, tabulate) for a terminal or a wall, ``md`` (a Markdown pipe table) for a document."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

TEXT_FORMATS = ("table", "csv", "md")


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """``header`` and ``rows`` as csv (``\\n`` line ends), as other tools read it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def text_table(headers: Sequence[str], rows: Iterable[Sequence], fmt: str = "table",
               colalign: Sequence[str] | None = None) -> str:
    """Aligned columns (``table``) or a Markdown pipe table (``md``); cells are shown as given
    (no number parsing: "0012" and "1.250" stay as they are)."""
    from tabulate import tabulate  # slow to import; only pay when printing

    if fmt not in ("table", "md"):
        raise ValueError(f"not a text table format: {fmt!r}")
    return tabulate(list(rows), headers=list(headers), tablefmt="pipe" if fmt == "md" else "simple",
                    colalign=tuple(colalign) if colalign else None, disable_numparse=True)


def heading(title: str, fmt: str) -> str:
    """A title line: ``# title`` in Markdown, the plain title otherwise."""
    return f"# {title}" if fmt == "md" else title
