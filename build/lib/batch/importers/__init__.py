"""Workbook readers: one module per template, its schema beside it."""
