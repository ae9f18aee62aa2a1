"""``python -m stages.linkcheck``: the command line lives in linkcheck_cli (shared with manage.py check_links)."""

from stages.linkcheck_cli import main

raise SystemExit(main())
