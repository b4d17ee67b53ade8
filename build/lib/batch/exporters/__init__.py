"""Workbook writers: templates, result workbooks and exports."""
