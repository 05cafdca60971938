"""Install the gridres Python package: python3 -m pip install --no-build-isolation ./python

The extension gridres._core is built by the project's own CMake build (the same target
as `cmake --build build`: libgridres compiled from ../src and linked statically into the
module), in a temporary build folder, so there is one build definition and nothing is
downloaded. Needs cmake, a C compiler and the libraries of scripts/setup.sh. Set
GRIDRES_CMAKE_ARGS for extra configure arguments. See docs/python.md."""
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not os.path.exists(os.path.join(ROOT, "CMakeLists.txt")) or \
                not os.path.isdir(os.path.join(ROOT, "src")):
            sys.exit("gridres: build from a checkout (python/ next to src/ and CMakeLists.txt)")
        build = os.path.abspath(os.path.join(self.build_temp, "cmake"))
        os.makedirs(build, exist_ok=True)
        args = ["-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                "-DGRIDRES_PYTHON=ON", "-DGRIDRES_BUILD_TESTS=OFF", "-DGRIDRES_BUILD_BENCH=OFF",
                "-DGRIDRES_WITH_MPI=OFF", "-DPython3_EXECUTABLE=" + sys.executable]
        args += shlex.split(os.environ.get("GRIDRES_CMAKE_ARGS", ""))
        subprocess.check_call(["cmake"] + args)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        subprocess.check_call(["cmake", "--build", build, "--target", "gridres_python",
                               "-j", jobs])
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = os.path.join(build, "python", "gridres", "_core" + suffix)
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(built, dest)


def version():
    with open(os.path.join(ROOT, "include", "gridres.h")) as f:
        for line in f:
            if line.startswith("#define GRIDRES_VERSION"):
                return line.split('"')[1]
    return "0"


setup(
    name="gridres",
    version=version(),
    description="Power-grid resilience engine: power flow, contingencies, cascades, "
                "restoration, strike campaigns (binding of libgridres)",
    license="see LICENSE",
    packages=["gridres"],
    package_dir={"gridres": "gridres"},
    ext_modules=[Extension("gridres._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    extras_require={"pandas": ["pandas"], "pandapower": ["pandapower"], "plot": ["matplotlib"]},
    zip_safe=False,
)
