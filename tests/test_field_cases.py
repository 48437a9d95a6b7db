"""Cases found by a new user trying their own zone's files: each once produced a silently wrong figure."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.period import Period
from reportgen.pipeline import run
from reportgen.sources.collect import read_period

CONFIG = """
zone: 滨江高新区
year: 2025
departments: [经发局, 财政局]
indicators:
  - {id: iva, name: 规上工业增加值增速, kind: growth, target: 10, owner: 经发局,
     source: {file: 指标.xlsx, row: 规上工业增加值, column: 同比增长}}
  - {id: tax, name: 税收收入增长, kind: growth, target: 10, owner: 财政局,
     source: {file: 指标.xlsx, row: 税收收入, column: "1-{month}月累计"}, last_year: {column: 上年同期}}
  - {id: deaths, name: 安全事故死亡人数, unit: 人, kind: cap, target: 0, owner: 经发局,
     source: {file: 指标.xlsx, row: 安全事故死亡人数, column: "1-{month}月累计"}}
"""


def project(tmp_path: Path, deaths="无") -> Path:
    folder = tmp_path / "data" / "2025-06"
    folder.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标名称", "1-6月累计（亿元）", "上年同期（万元）", "同比增长"])
    ws.append(["规上工业增加值", 120, 100000, 0.082])
    ws["D2"].number_format = "0.0%"  # the clerk typed 8.2%
    ws.append(["税收收入", 16.5, 160000, None])
    ws.append(["安全事故死亡人数", deaths, None, None])
    wb.save(folder / "指标.xlsx")
    config = tmp_path / "c.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def test_percent_formatted_cell_reads_as_percent(tmp_path):
    data = read_period(load_config(project(tmp_path)), Period(2025, 6))
    assert data.readings["iva"].value == pytest.approx(8.2)


def test_percent_formatted_cell_in_an_xls_reads_as_percent(tmp_path):
    """WPS and Excel save 8.2% in an .xls as 0.082 with a "0.0%" format; calamine reads no formats (a new
    user's trial read it as 0.082%: red light, 督办)."""
    import xlwt

    config = project(tmp_path)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet")
    percent = xlwt.easyxf(num_format_str="0.0%")
    for c, text in enumerate(["指标名称", "1-6月累计（亿元）", "上年同期（万元）", "同比增长"]):
        ws.write(0, c, text)
    ws.write(1, 0, "规上工业增加值")
    ws.write(1, 1, 120)
    ws.write(1, 3, 0.082, percent)
    ws.write(2, 0, "税收收入")
    ws.write(2, 3, 0.5)  # no percent format: a number as typed
    folder = tmp_path / "data" / "2025-06"
    (folder / "指标.xlsx").unlink()
    book.save(str(folder / "指标.xls"))
    config.write_text(config.read_text(encoding="utf-8").replace("指标.xlsx", "指标.xls"), encoding="utf-8")
    data = read_period(load_config(config), Period(2025, 6))
    assert data.readings["iva"].value == pytest.approx(8.2)


def test_growth_from_amounts_in_different_units(tmp_path):
    result = run(load_config(project(tmp_path)), Period(2025, 6))
    tax = next(r for r in result.results.indicators if r.id == "tax")
    assert tax.actual == pytest.approx(3.125)  # 16.5 亿元 vs 160000 万元


def test_placeholder_is_listed_and_strict_stops(tmp_path, capsys):
    config = project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2025-06"]) == 0
    assert (
        "指标.xlsx › Sheet › B4：“无”表示未填报，按未报送处理（不计为 0）（指标：安全事故死亡人数）"
        in capsys.readouterr().err
    )
    assert main(["run", "-c", str(config), "-p", "2025-06", "--strict", "-o", str(tmp_path / "strict")]) == 1
    assert not (tmp_path / "strict").exists()


def test_missing_period_folder_is_an_error(tmp_path):
    with pytest.raises(ReportgenError, match="本期数据目录不存在"):
        run(load_config(project(tmp_path)), Period(2025, 7))


def test_html_saved_as_xls_says_to_resave(tmp_path):
    config = project(tmp_path)
    (tmp_path / "data" / "2025-06" / "指标.xlsx").unlink()
    (tmp_path / "data" / "2025-06" / "指标.xls").write_text("<html><table><tr><td>1</td></tr></table></html>")
    data = read_period(load_config(config), Period(2025, 6))
    assert "实为网页（HTML）导出的文件" in str(data.problems[0]) and "另存为" in str(data.problems[0])


@pytest.mark.parametrize(
    "text, hint",
    [
        ("zone：测试\nyear: 2024\n", "中文冒号"),
        ("zone: a\nyear: 2024\nindicators:\n  - {id: a, source: {column: 1-{month}月}}\n", "加英文双引号"),
        ("zone: a\nyear: 2024\n\tdepartments: [a]\n", "Tab"),
    ],
)
def test_yaml_syntax_errors_say_what_to_fix(tmp_path, capsys, text, hint):
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    assert main(["validate", "-c", str(config)]) == 1
    err = capsys.readouterr().err
    assert "YAML 语法错误" in err and hint in err and "Traceback" not in err
