"""What every channel shares: the per-user rate limit."""

from handlers.assistant import RateLimiter


def test_limit_then_one_notice_then_silence_until_the_window_passes():
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.check("u", now=t) for t in (0, 1, 2)] == ["ok", "ok", "ok"]
    assert [limiter.check("u", now=t) for t in (3, 4)] == ["warn", "silent"]
    assert limiter.check("other", now=5) == "ok"  # one user's burst never limits another
    assert limiter.check("u", now=62) == "ok"  # the window passed: answered again, and warned again later


def test_idle_users_are_forgotten():
    limiter = RateLimiter(limit=1, window=60)
    for user in range(10_001):
        limiter.check(str(user), now=0)
    limiter.check("late", now=120)
    assert len(limiter._seen) == 1
