"""batch: spreadsheet round trips for Korean multi-marketplace sellers."""

__version__ = "0.1.0"
