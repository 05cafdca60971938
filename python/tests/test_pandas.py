"""DataFrames when pandas is importable (skipped where it is not), Tables otherwise."""
import numpy as np
import pytest

import gridres
from conftest import case_path


def test_tables_without_pandas(shared):
    old = gridres.use_pandas()
    try:
        if old:
            gridres.use_pandas(False)
        r = gridres.read_case(case_path(shared, "case14")).pf()
        assert isinstance(r.res_bus, gridres.Table)
        assert r.res_bus.columns[:5] == ["bus", "vm_pu", "va_degree", "p_mw", "q_mvar"]
        assert len(r.res_bus) == 14
    finally:
        gridres.use_pandas(old)


def test_dataframes_with_pandas(shared):
    pd = pytest.importorskip("pandas")
    gridres.use_pandas(True)
    c = gridres.read_case(case_path(shared, "case14"))
    r = c.pf()
    assert isinstance(r.res_bus, pd.DataFrame) and isinstance(c.bus, pd.DataFrame)
    assert list(r.res_branch.columns[2:7]) == ["p_from_mw", "q_from_mvar", "p_to_mw",
                                               "q_to_mvar", "pl_mw"]
    np.testing.assert_allclose(r.res_bus["vm_pu"].to_numpy()[0], 1.06)


def test_from_pandapower(shared):
    pp = pytest.importorskip("pandapower")
    import pandapower.networks as pn
    net = pn.case14()
    pp.runpp(net)
    r = gridres.from_pandapower(net).pf()
    np.testing.assert_allclose(np.asarray(r.res_bus["vm_pu"]), net.res_bus.vm_pu.to_numpy(),
                               atol=1e-6)
