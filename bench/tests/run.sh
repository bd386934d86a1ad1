#!/bin/sh
# Tests of the benchmark harness: statistics, report generation, skip paths,
# clean-up check, cpio writer.  Unprivileged, a few seconds.  Prints
# "N passed, N failed" and exits non-zero on any failure.
exec /usr/bin/python3 "$(dirname "$0")/runner.py" "$@"
