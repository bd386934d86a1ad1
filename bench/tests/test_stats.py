import stats


def test_percentile_interpolates_like_numpy():
    xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert stats.percentile(xs, 50) == 5.5
    assert abs(stats.percentile(xs, 90) - 9.1) < 1e-9
    assert abs(stats.percentile(xs, 99) - 9.91) < 1e-9
    assert stats.percentile(xs, 0) == 1 and stats.percentile(xs, 100) == 10


def test_percentile_unsorted_and_single():
    assert stats.percentile([3, 1, 2], 50) == 2
    assert stats.percentile([7], 99) == 7.0


def test_percentile_of_nothing_raises():
    try:
        stats.percentile([], 50)
    except ValueError:
        return
    raise AssertionError("no error")


def test_summarize():
    s = stats.summarize([1.0, 2.0, 3.0, 4.0])
    assert s["n"] == 4 and s["median"] == 2.5 and s["min"] == 1.0 and s["max"] == 4.0
    assert abs(s["stdev"] - 1.2909944) < 1e-6
    assert stats.summarize([]) is None


def test_ratio():
    assert stats.ratio(4, 2) == 2
    assert stats.ratio(None, 2) is None and stats.ratio(1, 0) is None and stats.ratio(1, None) is None


def test_cdf_points():
    assert stats.cdf_points([3, 1]) == [(1, 0.5), (3, 1.0)]
