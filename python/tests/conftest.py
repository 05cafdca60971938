"""Shared fixtures: where the public grids (../shared) and the CLI (build/gridres) are.

GRIDRES_SHARED and GRIDRES_CLI override the defaults (the CTest registration sets both)."""
import csv
import os

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def shared_dir():
    return os.environ.get("GRIDRES_SHARED", os.path.join(ROOT, "..", "shared"))


@pytest.fixture(scope="session")
def shared():
    d = shared_dir()
    if not os.path.isdir(os.path.join(d, "reference")):
        pytest.skip("shared cases absent (%s)" % d)
    return d


@pytest.fixture(scope="session")
def cli():
    exe = os.environ.get("GRIDRES_CLI", os.path.join(ROOT, "build", "gridres"))
    if not os.access(exe, os.X_OK):
        pytest.skip("the gridres CLI is not built (%s)" % exe)
    return exe


def case_path(shared, name):
    for sub in ("matpower", "pglib"):
        p = os.path.join(shared, "cases", sub, name + ".m")
        if os.path.exists(p):
            return p
    pytest.skip("case %s absent" % name)


def read_csv(path):
    """A CSV file as a dict of columns: numbers as float arrays (empty: NaN), else strings."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    out = {}
    for j, name in enumerate(head):
        col = [r[j] for r in body]
        try:
            out[name] = np.array([float(x) if x != "" else np.nan for x in col])
        except ValueError:
            out[name] = np.array(col, dtype=object)
    return out


def close(a, b, rtol=1e-9, atol=1e-9):
    """The CLI prints %.10g: equal to that precision, NaN where the CLI wrote none."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
