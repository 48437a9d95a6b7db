"""Config mistakes: one message per problem, each naming its key path and YAML line."""

from __future__ import annotations

import pytest
from conftest import data_dir, write_xlsx

from reportgen.config import load_config
from reportgen.errors import ConfigError, ProblemList, ReportgenError
from reportgen.period import Period

# Line numbers matter below: keep this text as it is, edit copies of it in the tests.
VALID = """\
zone: 测试经开区
year: 2024
departments:
  - 经发局
  - {name: 商务局, aliases: [区商务局]}
indicators:
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 200
    stretch: 220
    source: {file: 指标.xlsx, sheet: 指标, row: 固定资产投资, column: 1-6月累计}
  - id: retail
    name: 社会消费品零售总额
    kind: cumulative
    unit: 亿元
    owner: 商务局
    target: 90
    source: {file: 指标.xlsx, sheet: 指标, row: 社会消费品零售总额, column: 1-6月累计}
  - id: starts
    name: 新开工项目
    kind: count
    owner: 经发局
    target: 60
    source: {ledger: projects, count_where: {started: true}}
ledgers:
  projects:
    file: 重点项目.xlsx
    columns: {name: 项目名称, owner: 责任单位}
"""


def edit(line_no: int, new: str | None, text: str = VALID) -> str:
    """VALID with line `line_no` (1-based) replaced by `new` (None deletes it; a list inserts several)."""
    lines = text.splitlines()
    assert 1 <= line_no <= len(lines)
    lines[line_no - 1 : line_no] = [] if new is None else new.split("\n")
    return "\n".join(lines) + "\n"


def problems(tmp_path, text: str) -> list[str]:
    """Load `text` as config.yaml and return the problem messages (file prefix removed)."""
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemList) as exc:
        load_config(path)
    prefix = f"{path}："
    out = [str(p) for p in exc.value.problems]
    assert all(line.startswith(prefix) for line in out), out
    return [line.removeprefix(prefix) for line in out]


def test_valid_config_loads(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VALID, encoding="utf-8")
    config = load_config(path)
    assert [i.id for i in config.indicators] == ["fai", "retail", "starts"]
    assert config.base_dir == tmp_path.resolve()
    assert config.department_of("区商务局") == "商务局"


def test_unknown_key_suggests_the_close_one(tmp_path):
    assert problems(tmp_path, edit(13, "    strech: 220")) == [
        "indicators[0].strech（第 13 行）：未知的配置项“strech”，是否应为“stretch”？"
    ]


def test_unknown_key_in_a_source(tmp_path):
    text = edit(21, "    source: {file: 指标.xlsx, sheet: 指标, row: 社会消费品零售总额, colum: 1-6月累计}")
    got = problems(tmp_path, text)
    assert "indicators[1].source.colum（第 21 行）：未知的配置项“colum”，是否应为“column”？" in got
    assert any(p.startswith("indicators[1].source.column（第 21 行）：缺少必填项") for p in got), got
    assert len(got) == 2


def test_unknown_key_in_an_optional_section_suggests_too(tmp_path):
    text = edit(
        21,
        "    source: {file: 指标.xlsx, row: 社会消费品零售总额, column: 1-6月累计}\n    last_year: {colum: 上年同期}",
    )
    got = problems(tmp_path, text)
    assert "indicators[1].last_year.colum（第 22 行）：未知的配置项“colum”，是否应为“column”？" in got, got


def test_unknown_top_level_key(tmp_path):
    got = problems(tmp_path, edit(2, "year: 2024\nlight: {profile: lenient}"))
    assert got == ["light（第 3 行）：未知的配置项“light”，是否应为“lights”？"]


def test_unknown_owner(tmp_path):
    assert problems(tmp_path, edit(19, "    owner: 财政局")) == [
        "indicators[1].owner（第 19 行）：责任单位“财政局”不在 departments 中（现有：经发局、商务局）"
    ]


def test_owner_alias_is_known(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(edit(19, "    owner: 区商务局"), encoding="utf-8")
    assert load_config(path).indicators[1].owner == "区商务局"


def test_stretch_below_target(tmp_path):
    assert problems(tmp_path, edit(13, "    stretch: 180")) == [
        "indicators[0].stretch（第 13 行）：力争目标 stretch（180）不能低于确保目标 target（200）"
    ]


def test_bad_kind(tmp_path):
    [got] = problems(tmp_path, edit(17, "    kind: cumulativ"))
    assert got.startswith("indicators[1].kind（第 17 行）：")
    assert "cumulativ" in got and "cumulative" in got and "growth" in got


def test_missing_kind(tmp_path):
    [got] = problems(tmp_path, edit(17, None))
    assert got.startswith("indicators[1].kind（第 15 行）：缺少 kind")


def test_missing_required_key(tmp_path):
    assert problems(tmp_path, edit(19, None)) == ["indicators[1].owner（第 15 行）：缺少必填项"]


def test_missing_target_and_stretch(tmp_path):
    [got] = problems(tmp_path, edit(20, None))
    assert got.startswith("indicators[1].target（第 15 行）：缺少目标：应写确保目标 target")
    assert "只有力争目标时写 stretch" in got


def test_stretch_alone_is_a_valid_target(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(edit(20, "    stretch: 100"), encoding="utf-8")
    retail = load_config(path).indicators[1]
    assert (retail.target, retail.stretch) == (None, 100)


def test_wrong_type(tmp_path):
    assert problems(tmp_path, edit(20, "    target: 九十")) == [
        "indicators[1].target（第 20 行）：应为数字（或写 {column: 确保} 从报表该行读取），现为 '九十'"
    ]


def test_target_from_sheet_unknown_key(tmp_path):
    assert problems(tmp_path, edit(20, "    target: {column: 确保, valeu: 90}")) == [
        "indicators[1].target.valeu（第 20 行）：未知的配置项“valeu”，是否应为“value”？"
    ]


def test_target_from_sheet_value_must_be_positive(tmp_path):
    assert problems(tmp_path, edit(20, "    target: {column: 确保, value: -90}")) == [
        "indicators[1].target.value（第 20 行）：应 > 0，现为 -90"
    ]


def test_stretch_checked_against_the_config_value_of_a_sheet_target(tmp_path):
    text = edit(13, "    stretch: 180", edit(12, "    target: {column: 确保, value: 200}"))
    assert problems(tmp_path, text) == [
        "indicators[0].stretch（第 13 行）：力争目标 stretch（180）不能低于确保目标 target（200）"
    ]
    # read from the sheet only: nothing to compare before the sheet is read
    path = tmp_path / "config.yaml"
    path.write_text(edit(13, "    stretch: 180", edit(12, "    target: {column: 确保}")), encoding="utf-8")
    assert load_config(path).indicators[0].target.column == "确保"


def test_target_must_be_positive(tmp_path):
    [got] = problems(tmp_path, edit(20, "    target: 0"))
    assert got.startswith("indicators[1].target（第 20 行）：应 > 0") and got.endswith("现为 0")


def test_duplicate_indicator_id(tmp_path):
    assert problems(tmp_path, edit(22, "  - id: fai")) == [
        "indicators[2].id（第 22 行）：指标 id “fai”与 indicators[0] 重复"
    ]


def test_duplicate_yaml_key(tmp_path):
    assert problems(tmp_path, edit(20, "    target: 90\n    target: 100")) == [
        "indicators[1].target（第 21 行）：键重复出现（后一个会覆盖前一个）"
    ]


def test_unknown_ledger(tmp_path):
    assert problems(tmp_path, edit(27, "    source: {ledger: project, count_where: {started: true}}")) == [
        "indicators[2].source.ledger（第 27 行）：台账“project”未在 ledgers 中定义（现有：projects）"
    ]


def test_ledger_source_needs_one_operation(tmp_path):
    [got] = problems(tmp_path, edit(27, "    source: {ledger: projects}"))
    assert got.startswith("indicators[2].source（第 27 行）：")
    assert "count_where" in got and "sum" in got


def test_plan_list_needs_twelve_months(tmp_path):
    [got] = problems(tmp_path, edit(26, "    target: 60\n    plan: [5, 10, 20]"))
    assert got.startswith("indicators[2]")
    assert "12 个月" in got and "3 个" in got


def test_every_problem_reported_at_once(tmp_path):
    text = edit(13, "    stretch: 180")
    text = edit(19, "    owner: 财政局", text)
    text = edit(24, "    kind: counts", text)
    got = problems(tmp_path, text)
    assert len(got) == 3, got
    assert [p.split("（")[0] for p in sorted(got)] == [
        "indicators[0].stretch",
        "indicators[1].owner",
        "indicators[2].kind",
    ]


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(edit(16, "    name: 社会消费品零售总额: 全口径"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert exc.value.line == 16
    assert str(exc.value).startswith(f"{path}：（配置根）（第 16 行）：YAML 语法错误")


def test_unclosed_flow_mapping(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        edit(14, "    source: {file: 指标.xlsx, sheet: 指标, row: 固定资产投资"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="YAML 语法错误") as exc:
        load_config(path)
    assert exc.value.line is not None and 14 <= exc.value.line <= 15


def test_non_utf8_file(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(VALID.encode("gbk"))
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value) == f"{path}：配置文件应以 UTF-8 编码保存"


def test_utf8_with_bom_is_fine(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_bytes(VALID.encode("utf-8-sig"))
    assert load_config(path).zone == "测试经开区"


def test_missing_file(tmp_path):
    path = tmp_path / "没有.yaml"
    with pytest.raises(ReportgenError) as exc:
        load_config(path)
    assert exc.value.lines() == [f"{path}：配置文件不存在"]


def test_not_a_mapping(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("- zone\n- year\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="键值对"):
        load_config(path)


# ---- validate against a period's files ---------------------------------------------------------------


def _valid_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(VALID, encoding="utf-8")
    return load_config(path)


def _ledger(tmp_path):
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", [["项目名称", "责任单位"], ["甲项目", "经发局"]])


def test_validate_reports_missing_sheet(tmp_path):
    from reportgen.pipeline import validate

    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx", [["指标名称", "1-6月累计"], ["固定资产投资", 1]], sheet="主要指标"
    )
    _ledger(tmp_path)
    got = validate(_valid_config(tmp_path), Period(2024, 6))
    assert len(got) == 1, got  # one sheet, one message — not one per indicator
    assert "2024-06/指标.xlsx › 指标" in got[0]
    assert "工作表“指标”不存在，现有：主要指标" in got[0]


def test_validate_reports_missing_column(tmp_path):
    from reportgen.pipeline import validate

    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-5月累计"],
            ["固定资产投资", 1],
            ["社会消费品零售总额", 1],
        ],
        sheet="指标",
    )
    _ledger(tmp_path)
    got = validate(_valid_config(tmp_path), Period(2024, 6))
    assert got == [
        "2024-06/指标.xlsx › 指标：找不到表头“1-6月累计”，现有表头：指标名称、1-5月累计（指标：固定资产投资）"
    ]


def test_validate_reports_missing_row(tmp_path):
    from reportgen.pipeline import validate

    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 1],
        ],
        sheet="指标",
    )
    _ledger(tmp_path)
    got = validate(_valid_config(tmp_path), Period(2024, 6))
    assert got == [
        "2024-06/指标.xlsx › 指标：在“指标名称”列找不到“社会消费品零售总额”这一行，现有：固定资产投资（指标：社会消费品零售总额）"
    ]


def test_validate_reports_ledger_column(tmp_path):
    from reportgen.pipeline import validate

    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计"], ["固定资产投资", 1], ["社会消费品零售总额", 1]],
        sheet="指标",
    )
    write_xlsx(
        data_dir(tmp_path) / "重点项目.xlsx", [["项目名称", "牵头单位"], ["甲项目", "经发局"]], sheet="台账"
    )
    [got] = validate(_valid_config(tmp_path), Period(2024, 6))
    assert got.startswith("2024-06/重点项目.xlsx › 台账：找不到表头“责任单位”")
    assert "牵头单位" in got and "columns.owner" in got


def test_validate_clean_period_has_no_problems(tmp_path):
    from reportgen.pipeline import validate

    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 112.4],
            ["社会消费品零售总额", 44.0],
        ],
        sheet="指标",
    )
    _ledger(tmp_path)
    assert validate(_valid_config(tmp_path), Period(2024, 6)) == []


def test_validate_reports_missing_files(tmp_path):
    from reportgen.pipeline import validate

    data_dir(tmp_path)
    got = validate(_valid_config(tmp_path), Period(2024, 6))
    assert any("指标.xlsx" in p and "文件不存在" in p for p in got), got
    assert any("重点项目.xlsx" in p and "文件不存在" in p for p in got), got
    assert len(got) == 2
