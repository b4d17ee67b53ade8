"""The statistics workbook: each sheet a few tables of numbers, each with a native Excel chart drawn from its own
cells (XlsxWriter charts stay live and editable in Excel and LibreOffice), and the definitions stated on top."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from batch.exporters.template import new_workbook, whole_file

Cell = str | int | float | None


@dataclass(frozen=True)
class Chart:
    kind: str  # "line", "column", "bar", "pie"
    title: str
    values: tuple[int, ...]  # the table's columns charted (0 = the category column)
    categories: int = 0
    top: int = 0  # chart only the first ``top`` rows (0: all)


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: list[list[Cell]]
    chart: Chart | None = None
    formats: dict[int, str] = field(default_factory=dict)  # column -> "won" | "count" | "percent"


@dataclass(frozen=True)
class Sheet:
    name: str
    notes: tuple[str, ...]  # definitions and the period, shown above the tables
    tables: tuple[Table, ...]


def write_stats(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` at ``path`` (through a ``.part`` file: a reader never sees half a workbook)."""
    with whole_file(path) as partial:
        _write_stats(partial, sheets)
    return path


def _write_stats(path: Path, sheets: Sequence[Sheet]) -> None:
    wb = new_workbook(path)
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "note": wb.add_format({"font_color": "#555555"}),
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "won": wb.add_format({"num_format": "#,##0"}),
        "count": wb.add_format({"num_format": "#,##0"}),
        "percent": wb.add_format({"num_format": "0.0%"}),
    }
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 12, 14)
        row = 0
        for note in sheet.notes:
            ws.write_string(row, 0, note, fmt["note"])
            row += 1
        row += 1
        charts_at = 10  # charts to the right of the tables
        for table in sheet.tables:
            ws.write_string(row, 0, table.title, fmt["title"])
            head = row + 1
            for c, h in enumerate(table.headers):
                ws.write_string(head, c, h, fmt["header"])
            for r, values in enumerate(table.rows, start=head + 1):
                for c, value in enumerate(values):
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                    elif value is not None:
                        style = fmt.get(table.formats.get(c, "count"))
                        ws.write_number(r, c, float(value), style)
            if table.chart is not None and table.rows:
                _chart(wb, ws, sheet.name, table, head, row, charts_at)
            row = head + len(table.rows) + 3
            if table.chart is not None:
                row = max(row, head + 18)  # room for the chart beside the table
    wb.close()


def _chart(wb: object, ws: object, sheet: str, table: Table, head: int, at: int, column: int) -> None:
    spec = table.chart
    assert spec is not None
    kind = {"bar": "bar", "line": "line", "column": "column", "pie": "pie"}[spec.kind]
    chart = wb.add_chart({"type": kind})  # type: ignore[attr-defined]
    last = head + (min(spec.top, len(table.rows)) if spec.top else len(table.rows))
    name = sheet.replace("'", "''")
    for col in spec.values:
        chart.add_series(
            {
                "name": [sheet, head, col],
                "categories": f"='{name}'!{xl_rowcol_to_cell(head + 1, spec.categories, True, True)}:"
                f"{xl_rowcol_to_cell(last, spec.categories, True, True)}",
                "values": f"='{name}'!{xl_rowcol_to_cell(head + 1, col, True, True)}:"
                f"{xl_rowcol_to_cell(last, col, True, True)}",
            }
        )
    chart.set_title({"name": spec.title})
    if kind != "pie":
        chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 320})
    ws.insert_chart(at, column, chart)  # type: ignore[attr-defined]
