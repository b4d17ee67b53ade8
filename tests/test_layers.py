"""The layers of ``batch/``, pinned: each package imports only the rooms below it.

Every import counts, the ones inside functions too, and so does a string naming a module for importlib
(``"batch.marketplaces.tmon:Tmon"``). From the top down:

- the face (``cli``, ``__main__``, ``render``): anything; only the face renders;
- ``automation`` (watch, reports, the service): the jobs and what they stand on;
- ``jobs`` (one module per job a person asks for): the readers, writers, marketplaces and the sandbox;
- ``exporters``: ``importers`` (the sheets they mark up), the trade's rules and the core;
- ``importers`` and ``marketplaces``: the trade's rules and the core, never each other;
- ``sandbox``: itself only (written from the marketplaces' docs, never from our adapters);
- the core (``config``, ``models``, ``report``, ``errors``, ``sheetspec``, ``ledger``): itself and ``trade``;
- ``trade`` (couriers, notices, masking, deadlines, text width): itself only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "batch"

FACE = {"batch.cli", "batch.__main__", "batch.render"}
CORE = {
    "batch",
    "batch.config",
    "batch.models",
    "batch.report",
    "batch.errors",
    "batch.sheetspec",
    "batch.ledger",
    "batch.stockbook",
}
ROOMS = ("automation", "jobs", "exporters", "importers", "marketplaces", "sandbox", "trade")
BELOW = {
    "face": {"face", "automation", "jobs", "exporters", "importers", "marketplaces", "sandbox", "trade", "core"},
    "automation": {"automation", "jobs", "exporters", "importers", "marketplaces", "trade", "core"},
    "jobs": {"jobs", "exporters", "importers", "marketplaces", "sandbox", "trade", "core"},
    "exporters": {"exporters", "importers", "trade", "core"},
    "importers": {"importers", "trade", "core"},
    "marketplaces": {"marketplaces", "trade", "core"},
    "sandbox": {"sandbox"},
    "core": {"core", "trade"},
    "trade": {"trade"},
}
MODULE_STRING = re.compile(r"batch(\.[a-z_]+)+(:\w+)?")


def room_of(module: str) -> str:
    """The layer a dotted module name lives in; a module the test does not know is a failure of its own."""
    if module in FACE:
        return "face"
    if module in CORE:
        return "core"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ROOMS:
        return parts[1]
    raise AssertionError(f"{module} is in no layer: put it in a package, or add it to CORE or FACE in this test")


def module_name(path: Path, package: Path) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of a batch module in ``path``, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, package).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    known = {module_name(p, package) for p in package.rglob("*.py")}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*here[: len(here) - node.level + 1], *([base] if base else [])])
            # `from batch.jobs import products` imports the module batch.jobs.products
            found += [
                (node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
                for alias in node.names
            ]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_STRING.fullmatch(node.value):
            named = node.value.partition(":")[0]
            found += [(node.lineno, named)] if named in known else []  # importlib's, not a file like batch.toml
    return [(line, name) for line, name in found if name == "batch" or name.startswith("batch.")]


def forbidden_imports(package: Path) -> list[str]:
    """Every import in ``package`` that runs against the layers, as 'file:line: a -> b (room -> room)'."""
    problems = []
    for path in sorted(package.rglob("*.py")):
        source = module_name(path, package)
        source_room = room_of(source)
        for line, target in imports_of(path, package):
            if target in FACE and source_room != "face":
                problems.append(
                    f"{path.relative_to(package.parent)}:{line}: {source} -> {target} (only the face renders)"
                )
                continue
            target_room = room_of(target if target in FACE | CORE else ".".join(target.split(".")[:2]))
            if target_room not in BELOW[source_room]:
                rel = path.relative_to(package.parent)
                problems.append(f"{rel}:{line}: {source} -> {target} ({source_room} -> {target_room})")
    return problems


def test_batch_keeps_its_layers() -> None:
    assert forbidden_imports(PACKAGE) == []


def test_every_module_is_in_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        room_of(module_name(path, PACKAGE))


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "batch"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # an adapter that reaches into the sandbox, even inside a function
        (
            {"marketplaces/tmon.py": "def f():\n    from batch.sandbox.app import create_app\n", "sandbox/app.py": ""},
            ["batch/marketplaces/tmon.py:2: batch.marketplaces.tmon -> batch.sandbox.app (marketplaces -> sandbox)"],
        ),
        # the sandbox borrowing the adapter's reading of the docs
        (
            {"sandbox/coupang.py": "from batch.marketplaces import coupang_auth\n", "marketplaces/coupang_auth.py": ""},
            [
                "batch/sandbox/coupang.py:1: batch.sandbox.coupang -> batch.marketplaces.coupang_auth"
                " (sandbox -> marketplaces)"
            ],
        ),
        # a reader that knows a job
        (
            {"importers/product_build.py": "from batch.jobs.products import Run\n", "jobs/products.py": ""},
            [
                "batch/importers/product_build.py:1: batch.importers.product_build -> batch.jobs.products (importers -> jobs)"
            ],
        ),
        # a job that renders
        (
            {"jobs/demo.py": "from batch.render import render_run\n", "render.py": ""},
            ["batch/jobs/demo.py:1: batch.jobs.demo -> batch.render (only the face renders)"],
        ),
        # the core reaching up, by a relative import
        (
            {"config.py": "from .jobs import init\n", "jobs/init.py": ""},
            ["batch/config.py:1: batch.config -> batch.jobs.init (core -> jobs)"],
        ),
        # a module named for importlib
        (
            {"trade/couriers.py": "ADAPTER = 'batch.marketplaces.tmon:Tmon'\n", "marketplaces/tmon.py": ""},
            ["batch/trade/couriers.py:1: batch.trade.couriers -> batch.marketplaces.tmon (trade -> marketplaces)"],
        ),
        # allowed: a job on an adapter, the face on a job, an exporter on an importer
        (
            {
                "jobs/collect.py": "from batch.marketplaces.connect import connect\n",
                "cli.py": "from batch.jobs import collect\n",
                "exporters/result.py": "from batch.importers.workbook import SheetData\n",
                "marketplaces/connect.py": "",
                "importers/workbook.py": "",
            },
            [],
        ),
    ],
)
def test_the_check_finds_a_forbidden_import(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    assert forbidden_imports(_tree(tmp_path, files)) == expected


def test_the_templates_offer_exactly_the_marketplaces_with_an_adapter() -> None:
    from batch.marketplaces.connect import ADAPTERS
    from batch.models import SENDS_TO

    assert sorted(m.value for m in SENDS_TO) == sorted(ADAPTERS)
