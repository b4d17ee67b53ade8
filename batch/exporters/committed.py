"""Regenerate the templates committed under templates/xlsx/ (``make templates``)."""

from __future__ import annotations

from pathlib import Path

from batch.exporters.template import write_template
from batch.importers.answers import SPEC as ANSWERS
from batch.importers.claims import CLAIMS_SPEC as CLAIMS
from batch.importers.invoices import SPEC as INVOICES
from batch.importers.products import SPEC as PRODUCTS
from batch.importers.stock import SPEC as STOCK
from batch.sheetspec import TemplateSpec

TEMPLATES: tuple[TemplateSpec, ...] = (PRODUCTS, INVOICES, ANSWERS, STOCK, CLAIMS)
ROOT = Path(__file__).resolve().parents[1] / "templates" / "xlsx"  # batch/templates, also ./templates


def template_name(spec: TemplateSpec) -> str:
    return f"{spec.title}_v{spec.version}.xlsx"


def write_all(folder: Path = ROOT) -> list[Path]:
    return [write_template(spec, folder / template_name(spec), examples=spec is PRODUCTS) for spec in TEMPLATES]


if __name__ == "__main__":
    for p in write_all():
        print(p)
