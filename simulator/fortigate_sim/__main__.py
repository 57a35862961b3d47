"""``python -m fortigate_sim`` = ``fortigate-sim``."""

import sys

from .cli import main

sys.exit(main())
