import sys

from bwk_tui.cli import main

sys.exit(main())
