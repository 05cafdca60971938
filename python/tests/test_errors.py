"""Bad input raises a gridres.Error subclass with the library's message; never a crash."""
import os
import threading

import numpy as np
import pytest

import gridres
from conftest import case_path

EX6 = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "example6.m")


@pytest.fixture(scope="module")
def ex6():
    return gridres.read_case(EX6)


def test_malformed_file_names_line_and_column(tmp_path):
    p = tmp_path / "bad.m"
    p.write_text("function mpc = bad\nmpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 x 0 1 1 1.1 0.9;\n];\n")
    with pytest.raises(gridres.ParseError) as e:
        gridres.read_case(p)
    msg = str(e.value)
    assert msg.startswith(str(p) + ":4:"), msg
    assert e.value.status_name == "GR_EPARSE" and e.value.status == -3
    assert isinstance(e.value, ValueError) and isinstance(e.value, gridres.Error)


def test_missing_file_is_io_error(tmp_path):
    with pytest.raises(gridres.IOError) as e:
        gridres.read_case(tmp_path / "none.m")
    assert "none.m" in str(e.value)
    assert isinstance(e.value, OSError)


def test_unknown_options(ex6):
    with pytest.raises(TypeError):
        ex6.pf(no_such_option=1)
    with pytest.raises(gridres.InvalidError, match="control must be"):
        ex6.cascade(outage="branch:1", control="maybe")
    with pytest.raises(gridres.InvalidError, match="elements"):
        ex6.contingency(elements="transformer")
    with pytest.raises(gridres.InvalidError, match="rating"):
        ex6.cascade(outage="branch:1", rating="Z")
    with pytest.raises(gridres.InvalidError, match="tol"):
        ex6.pf(tol=-1)
    with pytest.raises(gridres.InvalidError, match="threads"):
        ex6.contingency(threads=-2)
    with pytest.raises(gridres.InvalidError, match="AC"):
        ex6.pf(dc=True, qlim=True)
    with pytest.raises(gridres.InvalidError, match="method"):
        ex6.restore(EX6, method="magic")


def test_bad_outage_and_lists(ex6, tmp_path):
    with pytest.raises(gridres.ParseError, match="branch"):
        ex6.cascade(outage="branch:999")
    with pytest.raises(gridres.ParseError):
        ex6.cascade(outage="wire:1")
    with pytest.raises(gridres.ParseError):
        ex6.contingency(contingencies=["branch:0"])
    with pytest.raises(gridres.InvalidError):
        ex6.sens(monitored=[10 ** 6])
    p = tmp_path / "bad.json"
    p.write_text('{"elements": [{"kind": "branch", "row": "x"}]}')
    with pytest.raises(gridres.ParseError, match=r"\$\.elements"):
        ex6.restore(p)
    with pytest.raises(gridres.Error, match=r"scenario|json|\$"):
        gridres.campaign(scenario=p)


def test_wrong_types_do_not_crash(ex6):
    with pytest.raises(TypeError):
        gridres.read_case(42)
    with pytest.raises((TypeError, ValueError)):
        ex6.pf(tol="x")
    with pytest.raises(TypeError):
        ex6._c.pf(tol="x")
    with pytest.raises((TypeError, ValueError)):
        ex6.sens(monitored="abc")
    with pytest.raises(TypeError):
        gridres.Case(object())


def test_write_and_read_back(ex6, tmp_path):
    p = tmp_path / "out.m"
    ex6.write(p)
    c = gridres.read_case(p)
    for t in ("bus", "gen", "branch"):
        a, b = getattr(ex6, t), getattr(c, t)
        for k in a.keys() if hasattr(a, "keys") else a.columns:
            np.testing.assert_array_equal(np.asarray(a[k]), np.asarray(b[k]))
    with pytest.raises(gridres.IOError):
        ex6.write(tmp_path / "no" / "such" / "dir" / "x.m")


def test_solves_release_the_gil(shared):
    """Two Python threads solving at once give the same answers as one after the other."""
    case = gridres.read_case(case_path(shared, "case2383wp"))
    want = case.pf().res_bus["vm_pu"]
    got = [None, None]

    def work(i):
        got[i] = case.pf().res_bus["vm_pu"]

    ts = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for g in got:
        np.testing.assert_array_equal(np.asarray(g), np.asarray(want))


def test_outage_takes_every_element_name(ex6):
    # example6: branch 4 (3-4, tap 1.025) is a transformer, branch 1 a line
    by_row = ex6.cascade(outage="branch:4,branch:1")
    by_kind = ex6.cascade(outage="trafo:4,line:1")
    assert by_kind.lost_mw == by_row.lost_mw and by_kind.n_trips == by_row.n_trips
    assert list(by_kind.events["element"]) == list(by_row.events["element"])
    with pytest.raises(gridres.ParseError, match="transformer"):
        ex6.cascade(outage="line:4")
    with pytest.raises(gridres.ParseError, match="line"):
        ex6.shed(outage="trafo:1")
    assert ex6.shed(outage="trafo:4").shed_mw == ex6.shed(outage="branch:4").shed_mw
