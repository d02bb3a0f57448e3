"""The import layers of STYLE.md hold (the contract is in pyproject.toml; `make test` runs
`lint-imports` too, this keeps a plain `pytest` honest)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_lower_layer_imports_a_higher_one():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 kept, 0 broken" in result.stdout
    assert "appeals.services does not import appeals.tasks KEPT" in result.stdout
