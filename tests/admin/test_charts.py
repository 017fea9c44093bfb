"""The console's SVG charts and its export helper, on their own."""

import pytest

from admin.charts import bar_chart, line_chart
from admin.exports import content_disposition, guard, to_csv


def test_bar_chart_draws_one_bar_per_item_with_titles():
    svg = bar_chart("各楼栋阅读率", [("1号楼", 50), ("2号楼", 100)], maximum=100, unit="%")
    assert svg.count('<g class="bar">') == 2
    assert "<title>各楼栋阅读率</title>" in svg
    assert "<title>2号楼：100%</title>" in svg


def test_bar_chart_escapes_labels():
    svg = bar_chart("图", [("<b>楼</b>", 1)])
    assert "<b>" not in svg
    assert "&lt;b&gt;楼&lt;/b&gt;" in svg


def test_bar_chart_of_zeros_draws_empty_bars():
    assert 'width="0"' in bar_chart("图", [("1号楼", 0)])


def test_line_chart_draws_a_point_per_month():
    svg = line_chart("近十二个月新增居民", [(f"{m}月", m) for m in range(1, 13)], unit="人")
    assert svg.count('<g class="point">') == 12
    assert "<title>12月：12人</title>" in svg
    assert "<polyline" in svg


@pytest.mark.parametrize("value", ["=1+1", "+86", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_would_run_as_formulas_start_with_a_quote(value):
    assert guard(value) == "'" + value


@pytest.mark.parametrize("value, cell", [("火炬路1号楼", "火炬路1号楼"), (None, ""), (42, 42), (-3, -3)])
def test_other_cells_stay_as_they_are(value, cell):
    assert guard(value) == cell


def test_csv_starts_with_a_bom_and_ends_lines_for_excel():
    assert to_csv(["姓名"], [["王*"]]) == "\ufeff姓名\r\n王*\r\n".encode()


def test_file_name_is_given_in_ascii_and_in_utf8():
    assert content_disposition("未读名单.csv") == (
        "attachment; filename=\"export.csv\"; filename*=UTF-8''%E6%9C%AA%E8%AF%BB%E5%90%8D%E5%8D%95.csv"
    )
