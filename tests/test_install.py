"""`pip install .` installs one top-level package, dondoc, that runs on its own files.

The product's folders (catalog/, tasks/, flows/, tui/) are generic names that other
distributions and many Prefect projects use; installed as top-level packages they could be
shadowed in a shared worker environment. They install as dondoc.catalog, dondoc.tasks, ...
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli import ROOT


def test_installs_one_top_level_package_with_its_data(tmp_path: Path) -> None:
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    top = sorted(p.name for p in target.iterdir() if p.name != "bin")
    assert top == ["dondoc", "dondoc-0.1.0.dist-info"], top
    pkg = target / "dondoc"
    assert not (pkg / "__init__.py").exists()  # a namespace: nothing runs on `import dondoc`
    assert len(list((pkg / "catalog" / "plans").glob("*.yaml"))) == 8
    assert (pkg / "catalog" / "calendar" / "overrides.yaml").is_file()
    assert list((pkg / "catalog" / "store" / "migrations" / "versions").glob("0001_*.py"))
    assert (pkg / "tui" / "app" / "app.tcss").is_file()

    # The installed copy, not the checkout, answers: run it from elsewhere on its own path.
    env = {**os.environ, "PYTHONPATH": str(target), "DONDOC_HOME": str(tmp_path / "home")}
    where = subprocess.run([sys.executable, "-c", "import dondoc.catalog.settings as s; print(s.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert where.stdout.strip().startswith(str(pkg)), where.stdout + where.stderr
    validate = subprocess.run([sys.executable, "-m", "dondoc.tui.cli", "catalog", "validate", "--json"],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert validate.returncode == 0, validate.stderr
    assert '"plans":5' in validate.stdout.replace(" ", ""), validate.stdout
