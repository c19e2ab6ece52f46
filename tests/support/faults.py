"""Faults injected into the code under test: a function that fails on its n-th call."""

from __future__ import annotations

from typing import Any, Callable


def fail_on_call(n: int, real: Callable[..., Any], error: BaseException) -> Callable[..., Any]:
    """``real``, except that its ``n``-th call raises ``error`` (a disk filling up halfway, a failed rename)."""
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise error
        return real(*args, **kwargs)
    return wrapper
