"""The replay guard on its own: a time window around now, and each (timestamp, nonce) once."""

from handlers.replay import ReplayGuard


def guard_at(now: float, **kwargs) -> ReplayGuard:
    return ReplayGuard(clock=lambda: now, **kwargs)


def test_fresh_pair_accepted_with_one_request_only():
    guard = guard_at(1_700_000_000)
    assert guard.admit("1700000000", "123", b"question") == "ok"
    assert guard.admit("1700000000", "123", b"question") == "ok"  # the platform retrying
    assert guard.admit("1700000000", "123", b"forged") == "replayed"
    assert guard.admit("1700000000", "124", b"forged") == "ok"


def test_old_future_and_malformed_timestamps_are_stale():
    guard = guard_at(1_700_000_000, max_age=300)
    assert guard.admit("1699999700", "a") == "ok"  # exactly at the edge
    for stamp in ("1699999699", "1700000301", "", "abc", "-5", "1e9", "１７００００００００", "9" * 40):
        assert guard.admit(stamp, "b") == "stale", stamp


def test_memory_is_bounded():
    guard = guard_at(1_700_000_000, maxsize=100)
    for nonce in range(1000):
        guard.admit("1700000000", str(nonce))
    assert len(guard._seen) <= 100
