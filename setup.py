# SPDX-License-Identifier: Apache-2.0
# Builds the _civicplan extension with CMake and places it inside the civicplan package.
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def project_version() -> str:
    """The version from project(civicplan VERSION x.y.z), the single version source."""
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\s*\(\s*civicplan\s+VERSION\s+([0-9]+(?:\.[0-9]+)*)", text)
    if not match:
        raise RuntimeError("CMakeLists.txt has no project(civicplan VERSION ...)")
    return match.group(1)


class CMakeExtension(Extension):
    """An extension module whose sources CMake compiles."""

    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures and builds the _civicplan target, then copies the module into the package."""

    def build_extension(self, ext: Extension) -> None:
        # CIVICPLAN_CMAKE_BUILD_DIR chooses the CMake build directory (kept between builds; a
        # compiler cache shares objects between build directories equally deep in the tree).
        chosen = os.environ.get("CIVICPLAN_CMAKE_BUILD_DIR")
        build_dir = Path(chosen).resolve() if chosen else Path(self.build_temp).resolve() / "cmake"
        build_dir.mkdir(parents=True, exist_ok=True)
        config = "Debug" if self.debug else "Release"
        configure = [
            "cmake",
            "-S", str(ROOT),
            "-B", str(build_dir),
            f"-DCMAKE_BUILD_TYPE={config}",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DBUILD_SHARED_LIBS=OFF",
            "-DCIVICPLAN_BUILD_PYTHON=ON",
            "-DCIVICPLAN_BUILD_TESTS=OFF",
            "-DCIVICPLAN_BUILD_EXAMPLES=OFF",
            "-DCIVICPLAN_BUILD_BENCHMARKS=OFF",
            "-DCIVICPLAN_BUILD_CLI=OFF",
            "-DCIVICPLAN_INSTALL=OFF",
        ]
        if "CMAKE_GENERATOR" not in os.environ and shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        configure += shlex.split(os.environ.get("CMAKE_ARGS", ""))
        subprocess.run(configure, check=True)

        build = ["cmake", "--build", str(build_dir), "--target", "_civicplan", "--config", config]
        if "CMAKE_BUILD_PARALLEL_LEVEL" not in os.environ and self.parallel:
            build += ["--parallel", str(self.parallel)]
        subprocess.run(build, check=True)

        package_dir = build_dir / "python" / "civicplan"
        built = sorted(p for p in package_dir.glob("_civicplan*") if p.suffix in (".so", ".pyd"))
        if not built:
            raise RuntimeError(f"CMake did not produce _civicplan in {package_dir}")
        destination = Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], destination)


setup(
    version=project_version(),
    ext_modules=[CMakeExtension("civicplan._civicplan")],
    cmdclass={"build_ext": CMakeBuild},
)
