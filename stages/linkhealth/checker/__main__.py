"""``python -m stages.linkhealth.checker``: the command line is stages.linkhealth.cli (shared with check_links)."""

from stages.linkhealth.cli import main

raise SystemExit(main())
