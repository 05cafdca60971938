"""CTest entry point (python.pytest): exit 77 (skipped) when pytest or numpy is missing,
else run the suite with pytest and return its status."""
import os
import sys

try:
    import numpy  # noqa: F401
    import pytest
except ImportError as e:
    print("SKIP: %s" % e)
    sys.exit(77)

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", here] + sys.argv[1:]))
