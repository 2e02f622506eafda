"""Run the bundled runtime without setting PYTHONPATH: ``python3 python/server.py --nodes <dir>``."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from blok_runtime.__main__ import main  # noqa: E402  (needs the path set above)

if __name__ == "__main__":
    sys.exit(main())
