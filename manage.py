#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")
    from django.core.management import execute_from_command_line

    from dlcurriculum.config import exit_if_incomplete

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        exit_if_incomplete(exc)
        raise


if __name__ == "__main__":
    main()
