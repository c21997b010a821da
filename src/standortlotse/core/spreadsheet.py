"""Cells for CSV/XLSX exports: text that a spreadsheet would run as a formula is neutralised."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
