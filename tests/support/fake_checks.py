"""The chat fakes' tests' tiny harness: one `ok - ...` line per check, and an
exit status that ctest reads (non-zero at the first failure)."""

import asyncio


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print(f"ok - {what}")


def run_checks(coro, name):
    """Run the test coroutine; 0 if every check passed, 1 at the first that did not."""
    try:
        asyncio.run(coro)
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    print(f"all {name} checks passed")
    return 0
