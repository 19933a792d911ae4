"""Small helpers for DataTables driven from elsewhere (e.g. the arrow keys of a search box)."""
from __future__ import annotations

from textual.widgets import DataTable


def room(screen_width: int, columns: int) -> int:
    """What the cells of a table may take: the page's side padding, the scroll bar, one column of
    slack, and one space either side of every cell are off."""
    return screen_width - 2 - 2 - 1 - 2 * columns


def step_cursor(table: DataTable, step: int) -> None:
    """Move the highlighted row by ``step``, staying within the table."""
    if table.row_count:
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))


def table_room(screen, fixed: int, columns: int) -> int:
    """What is left for the one stretching column of a DataTable filling the page."""
    width = max(screen.size.width or screen.app.size.width, 60)
    return max(8, room(width, columns) + 1 - fixed)  # without the one column of slack
