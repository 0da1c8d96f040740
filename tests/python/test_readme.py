# SPDX-License-Identifier: Apache-2.0
# The Python example of README.md runs as written, from a directory laid out like a clone.
import os
import re
import subprocess
import sys
from pathlib import Path

import civicplan
from conftest import REPO


def run_readme_block(tmp_path, marker):
    """Runs the first README Python block containing `marker`, from a directory laid out like a
    clone; returns the finished process."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if marker in b]
    assert blocks, f"README.md has no Python example with {marker}"
    (tmp_path / "examples").symlink_to(REPO / "examples")
    script = tmp_path / "readme_example.py"
    script.write_text(blocks[0], encoding="utf-8")
    # The subprocess imports the civicplan under test, wherever it was imported from here.
    env = dict(os.environ)
    package_root = str(Path(civicplan.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    return result


def test_readme_python_example_runs(tmp_path):
    result = run_readme_block(tmp_path, "import civicplan")
    assert "fam_spend_per_inhabitant" in result.stdout
    assert "pf-022104-2022/az06" in result.stdout
    assert (tmp_path / "plans.db").is_file()


def test_readme_explain_example_runs(tmp_path):
    out = run_readme_block(tmp_path, "ws.explain(").stdout
    assert out.startswith('budget(plan_kind: "zone") / population = 14.3068')
    assert "{'gained': ['022104', '022161'], 'lost': [], 'points_delta': {}}" in out
    assert "zone_spend_per_inhabitant" in out and "037003" in out
    assert "10 passed, 0 failed" in out
