"""Figures that need a second look against last month: listed by `run` (CLI, Word 数据说明, Excel 数据问题, the
indicator's note) and by `validate` as 提示. From a new user's trial: a 万元 figure typed into an 亿元 row printed
"完成固定资产投资1856320.00亿元，完成年度目标的713969.2%" in green, and a growth rate saved as 0.103 went red
and 督办 — with no warning anywhere."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import config_from, data_dir, write_xlsx
from docx import Document

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.metrics.plausibility import amount_doubts, rate_doubts
from reportgen.period import Period
from reportgen.pipeline import check, run

CONFIG = """
    zone: 测试经开区
    year: 2024
    departments: [经发局]
    indicators:
      - {id: fai, name: 固定资产投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 260,
         source: {file: 指标.xlsx, row: 固定资产投资, column: 累计}}
      - {id: iva, name: 规上工业增加值增速, kind: growth, owner: 经发局, target: 8,
         source: {file: 指标.xlsx, row: 规上工业增加值增速, column: 累计}}
"""
AUGUST, SEPTEMBER = Period(2024, 8), Period(2024, 9)


def shown(value: float) -> str:
    return f"{value:.2f}亿元"


@pytest.mark.parametrize(
    ("value", "previous", "codes"),
    [
        (170.0, 161.25, []),
        (150.0, 161.25, ["lower"]),
        (1856320.0, 161.25, ["jump"]),
        (16.0, 161.25, ["lower", "jump"]),
        (12.0, 1.0, []),  # whole numbers below 20: 1 → 12 new projects is a normal month
        (None, 161.25, []),
        (170.0, None, []),
    ],
)
def test_amount_doubts(value, previous, codes):
    assert [d.code for d in amount_doubts("固定资产投资", value, previous, shown)] == codes


@pytest.mark.parametrize(
    ("value", "previous", "found"),
    [(0.103, 9.8, True), (10.3, 9.8, False), (0.5, 0.8, False), (0.3, 1.2, False), (-0.1, -9.5, True)],
)
def test_rate_typed_as_a_fraction(value, previous, found):
    assert bool(rate_doubts("规上工业增加值增速", value, previous)) is found


def two_months(tmp_path, fai: float, iva: float):
    for period, values in ((AUGUST, (161.25, 9.8)), (SEPTEMBER, (fai, iva))):
        write_xlsx(
            data_dir(tmp_path, period) / "指标.xlsx",
            [["指标名称", "累计"], ["固定资产投资", values[0]], ["规上工业增加值增速", values[1]]],
            sheet="指标",
        )
    return config_from(tmp_path, CONFIG)


def test_run_lists_doubtful_figures_everywhere_the_problems_are(tmp_path, capsys):
    config = two_months(tmp_path, 1856320, 0.103)
    result = run(config, SEPTEMBER, tmp_path / "out")
    slip = "2024-09/指标.xlsx › 指标 › B2：固定资产投资 1856320.00亿元 是上月的 11512.1 倍（上月 161.25亿元），请核对单位和数值"
    fraction = (
        "规上工业增加值增速 0.103% 远小于上月的 9.8%，疑似把百分数按小数填写（0.103 应为 10.3%？），请核对"
    )
    assert result.problems[0] == slip and result.problems[1].endswith(fraction)
    fai = next(r for r in result.results.indicators if r.id == "fai")
    assert fai.note == "与上月相比异常，请核对（见数据问题）"
    [docx] = (tmp_path / "out").rglob("*.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "与上月相比异常" in text and slip in text
    [xlsx] = (tmp_path / "out" / "2024-09").glob("*.xlsx")
    cells = [c for row in openpyxl.load_workbook(xlsx)["数据问题"].iter_rows(values_only=True) for c in row]
    assert slip in cells


def test_plausible_figures_raise_nothing(tmp_path):
    config = two_months(tmp_path, 170, 10.1)
    assert run(config, SEPTEMBER, tmp_path / "out").problems == []
    assert check(config, SEPTEMBER).doubts == []


def test_validate_lists_doubts_as_hints_and_strict_fails(tmp_path, capsys):
    two_months(tmp_path, 150, 9.9)
    path = str(tmp_path / "config.yaml")
    assert load_config(path)  # config_from wrote it there
    assert main(["validate", "-c", path, "-p", "2024-09"]) == 0
    err = capsys.readouterr().err
    assert (
        "提示：2024-09/指标.xlsx › 指标 › B2：固定资产投资 150.00亿元 低于上月的 161.25亿元，累计数不应减少"
        in err
    )
    assert main(["validate", "-c", path, "-p", "2024-09", "--strict"]) == 1
