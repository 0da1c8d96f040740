# SPDX-License-Identifier: Apache-2.0
# scripts/check-layers: the repository passes, and an include that points up a layer fails.
import shutil
import subprocess
import sys

from conftest import REPO

SCRIPT = REPO / "scripts" / "check-layers"


def run(root):
    return subprocess.run([sys.executable, str(SCRIPT), str(root)], capture_output=True,
                          text=True, check=False)


def make_tree(tmp_path, files):
    (tmp_path / "cmake").mkdir()
    shutil.copy(REPO / "cmake" / "layers.cmake", tmp_path / "cmake" / "layers.cmake")
    (tmp_path / "include" / "civicplan").mkdir(parents=True)
    (tmp_path / "bindings").mkdir()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_repository_keeps_its_layers():
    result = run(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every include points to its own layer or one below" in result.stdout


def test_an_include_of_a_higher_layer_fails_with_file_and_line(tmp_path):
    root = make_tree(tmp_path, {
        "src/store/store.hpp": "#pragma once\n",
        "src/model/plan.cpp": '// a model file\n#include "base/text.hpp"\n#include "store/store.hpp"\n',
        "src/base/text.hpp": "#pragma once\n",
    })
    result = run(root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        'src/model/plan.cpp:3: includes "store/store.hpp" (layer store) from layer model: '
        "an include points only to its own layer or those below"]


def test_a_public_header_of_a_higher_layer_fails(tmp_path):
    root = make_tree(tmp_path, {
        "include/civicplan/workspace.hpp": "#pragma once\n",
        "include/civicplan/plan.hpp": '#pragma once\n#include "civicplan/workspace.hpp"\n',
    })
    result = run(root)
    assert result.returncode == 1
    assert 'include/civicplan/plan.hpp:2: includes "civicplan/workspace.hpp" (layer workspace) ' \
           "from layer model" in result.stdout


def test_faces_use_public_headers_only(tmp_path):
    root = make_tree(tmp_path, {
        "src/store/store.hpp": "#pragma once\n",
        "src/cli/main.cpp": '#include "store/store.hpp"\n',
    })
    result = run(root)
    assert result.returncode == 1
    assert "src/cli/main.cpp:1:" in result.stdout
    assert "faces use public headers only" in result.stdout


def test_same_layer_and_lower_includes_pass(tmp_path):
    root = make_tree(tmp_path, {
        "src/base/text.hpp": "#pragma once\n",
        "src/expr/program.hpp": "#pragma once\n",
        "src/engines/indicators/a.cpp": '#include "expr/program.hpp"\n#include "base/text.hpp"\n',
    })
    result = run(root)
    assert result.returncode == 0, result.stdout
