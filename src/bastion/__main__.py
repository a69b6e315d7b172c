"""``python -m bastion``: the same as the ``bastion`` command."""

import sys

from bastion.cli import main

sys.exit(main())
