"""The terminal log-log plot: points land where their logs say, overlaps and axes are marked."""

from rnn_tui.text_plot import loglog_plot


def grid_rows(lines: list[str]) -> list[str]:
    """The plot area: the lines between the y title and the x axis, after the '|'."""
    return [line.split("|", 1)[1] for line in lines[1:] if "|" in line]


def test_points_sit_on_a_log_grid_with_titles_and_ticks():
    lines = loglog_plot({"rnn": ([10, 100, 1000], [1e-3, 1e-2, 1e-1])}, {"rnn": "r"}, "T", "seconds",
                        width=21, height=11, guide_slope=None)
    assert lines[0] == "seconds" and lines[-1].strip() == "T"
    rows = grid_rows(lines)
    assert len(rows) == 11
    cols = {(r, row.index("r")) for r, row in enumerate(rows) if "r" in row}
    # Equal steps in log x and log y: evenly spaced along the diagonal, top-right to bottom-left.
    (r0, c0), (r1, c1), (r2, c2) = sorted(cols)
    assert r1 - r0 == r2 - r1 and c0 - c1 == c1 - c2 and c0 > c1 > c2
    assert "10" in lines[-2] and "100" in lines[-2] and "1000" in lines[-2]
    assert "0.1" in "".join(lines) and "0.001" in "".join(lines)


def test_two_series_on_one_cell_show_an_overlap_and_the_guide_has_slope_one():
    lines = loglog_plot({"a": ([10, 100], [1.0, 10.0]), "b": ([10, 100], [1.0, 3.0])}, {"a": "a", "b": "b"},
                        "x", "y", width=30, height=12)
    text = "\n".join(grid_rows(lines))
    assert "*" in text and "a" in text and "b" in text
    # The slope-1 guide runs through the middle of the data and rises to the right.
    rows = grid_rows(lines)
    dots = [(r, row.index(".")) for r, row in enumerate(rows) if "." in row]
    assert dots and dots[0][1] > dots[-1][1]


def test_nothing_positive_to_plot_says_so():
    assert loglog_plot({"a": ([0, 10], [1.0, float("nan")])}, {"a": "a"}, "x", "y")[1] == "(nothing to plot)"
