"""Server-side SVG charts: accessible name, escaped labels, whole-number axes."""

from bourse.stats import charts


def test_column_chart_has_a_title_and_escapes_its_labels():
    svg = charts.column_chart("g", "Titre <b>", ["<script>", "02/2024"], [("Série", [3, 7])])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="g-titre">Titre &lt;b&gt;</title>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 2


def test_axis_steps_are_whole_numbers():
    assert [charts._axis_step(v) for v in (0, 3, 5, 35, 130, 2_600)] == [1, 1, 2, 10, 50, 1_000]


def test_bar_chart_shows_the_values_given():
    svg = charts.bar_chart("c", "Communes", [("Montreuil", 12, "12"), ("Vincennes", 6, "6")])
    assert "Montreuil" in svg and ">12<" in svg and svg.count("<rect") == 2
