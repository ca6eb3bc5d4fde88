"""`python -m cseplan_xl` runs the command line."""

from cseplan_xl.cli import main

raise SystemExit(main())
