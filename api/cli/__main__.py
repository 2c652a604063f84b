"""``python -m api.cli``: the ``grantmatch`` command."""

import sys

from api.cli import main

sys.exit(main())
