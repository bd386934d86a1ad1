"""Summary statistics over samples (pure: no I/O)."""
import math


def percentile(samples, p):
    """The p-th percentile (0..100) by linear interpolation between the
    closest ranks (the same definition as numpy's default)."""
    if not samples:
        raise ValueError("percentile of no samples")
    xs = sorted(samples)
    if len(xs) == 1:
        return float(xs[0])
    rank = (len(xs) - 1) * p / 100.0
    lo = math.floor(rank)
    hi = math.ceil(rank)
    return xs[lo] + (xs[hi] - xs[lo]) * (rank - lo)


def summarize(samples):
    """n, median, p90, p99, mean, min, max, stdev of the samples; None if
    there are none (a runtime that failed every run)."""
    if not samples:
        return None
    n = len(samples)
    mean = sum(samples) / n
    var = sum((x - mean) ** 2 for x in samples) / (n - 1) if n > 1 else 0.0
    return {
        "n": n,
        "median": percentile(samples, 50),
        "p90": percentile(samples, 90),
        "p99": percentile(samples, 99),
        "mean": mean,
        "min": float(min(samples)),
        "max": float(max(samples)),
        "stdev": math.sqrt(var),
    }


def ratio(value, reference):
    """value / reference, or None when either is missing or the reference
    is zero."""
    if value is None or not reference:
        return None
    return value / reference


def cdf_points(samples):
    """(value, cumulative fraction) pairs for a distribution plot."""
    xs = sorted(samples)
    n = len(xs)
    return [(x, (i + 1) / n) for i, x in enumerate(xs)]
