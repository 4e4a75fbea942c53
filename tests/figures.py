"""The counts docs/robustness.md states, in one place: the tests that send that many
requests import them from here, and test_robustness checks the page's table against them
(so no test module imports another)."""

import os

# Generated requests sent to each lesson (``nox -s fuzz`` raises it through FUZZ_REQUESTS).
REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "500"))
# Lesson 05 under waitress: concurrent reads, writes and failing requests.
READS, WRITES, FAILURES = 48, 24, 24
# Lesson 10: clients and requests each across a forced log rollover.
ROLLOVER_CLIENTS, ROLLOVER_REQUESTS_EACH = 8, 100
# Lesson 14: 1,024 concurrent writes through waitress's 8 threads.
CLIENTS, POSTS_EACH = 16, 64
