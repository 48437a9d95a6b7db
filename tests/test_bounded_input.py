"""Hostile or oversized inputs are refused before they are read: YAML alias bombs, huge configs, workbooks
whose sheets inflate on unzip or hold too many rows. (Speed and memory of the refusals: `make bench`.)"""

from __future__ import annotations

import pytest
from conftest import PERIOD, data_dir, write_xlsx

from benchmarks.bombs import BILLION_LAUGHS, write_inflating_xlsx
from reportgen.config import load_config
from reportgen.errors import ConfigError, SourceError
from reportgen.sources.workbook import Workbook

MINIMAL = """\
zone: 测试经开区
year: 2024
departments: [经发局]
indicators:
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 200
    source: {file: 指标.xlsx, sheet: 指标, row: 固定资产投资, column: 1-6月累计}
"""


def test_billion_laughs_is_refused_naming_the_file_and_alias(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert str(path) in message
    assert "配置文件使用了过多的 YAML 别名（*" in message and "已拒绝读取" in message


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text("zone: &z [1, *z]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="循环引用"):
        load_config(path)


def test_a_few_anchors_for_repeated_sources_still_load(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        """\
zone: 测试经开区
year: 2024
departments: [经发局]
indicators:
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 200
    source: &main {file: 指标.xlsx, sheet: 指标, row: 固定资产投资, column: 1-6月累计}
  - id: retail
    name: 社会消费品零售总额
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 90
    source: {<<: *main, row: 社会消费品零售总额}
  - id: export
    name: 出口总额
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 30
    source: *main
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert [i.source.row for i in config.indicators] == ["固定资产投资", "社会消费品零售总额", "固定资产投资"]


def test_a_config_over_two_megabytes_is_refused(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("zone: 测试经开区\n" + "# 注释\n" * 400_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="配置文件过大.*上限 2 MB"):
        load_config(path)


def test_a_sheet_inflating_to_a_gigabyte_is_refused_before_reading(tmp_path):
    path = write_inflating_xlsx(tmp_path / "指标.xlsx", 1024)
    assert path.stat().st_size < 5 * 2**20
    with pytest.raises(SourceError) as exc:
        Workbook(path)
    message = str(exc.value)
    assert message.startswith("指标.xlsx › 指标：")
    assert "超过上限 200 MB" in message and "data.limits.max_sheet_mb" in message


def test_the_sheet_size_limit_comes_from_the_config(tmp_path):
    text = MINIMAL + "data:\n  limits: {max_sheet_mb: 1}\n"
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "config.yaml")
    write_inflating_xlsx(data_dir(tmp_path) / "指标.xlsx", 2)
    from reportgen.sources.collect import read_period

    problems = [str(p) for p in read_period(config, PERIOD).problems]
    assert any("超过上限 1 MB" in p and "max_sheet_mb" in p for p in problems), problems


def test_xls_and_csv_are_limited_by_file_size(tmp_path):
    from reportgen.config.model import InputLimits

    path = tmp_path / "科技.csv"
    path.write_bytes(b"a,b\n" * 300_000)
    with pytest.raises(SourceError, match="科技.csv：文件有 1 MB，超过上限 0.5 MB"):
        Workbook(path, limits=InputLimits(max_sheet_mb=0.5))


def test_rows_beyond_the_limit_are_refused_from_the_declared_dimension(tmp_path):
    from reportgen.config.model import InputLimits

    path = write_xlsx(tmp_path / "台账.xlsx", [["项目名称"], *([["x"]] * 50)], sheet="项目")
    book = Workbook(path, limits=InputLimits(max_rows=20))
    assert book._meta.dimension_rows("项目") == 51
    with pytest.raises(
        SourceError, match="台账.xlsx › 项目：工作表有 51 行，超过上限 20 行.*data.limits.max_rows"
    ):
        book.grid("项目")
    csv = tmp_path / "科技.csv"
    csv.write_text("a\n" * 30, encoding="utf-8")
    with pytest.raises(SourceError, match="工作表有 30 行"):
        Workbook(csv, limits=InputLimits(max_rows=20)).grid(None)
