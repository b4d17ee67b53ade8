"""Entry point for ``python -m batch``."""

from batch.cli import main

main()
