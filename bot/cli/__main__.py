"""``python -m bot.cli``: the ``zhen`` command."""

import sys

from bot.cli import main

sys.exit(main())
