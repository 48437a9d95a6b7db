"""Key projects against their own plans (issue 15, items 6 and 8): projects whose investment reached the
序时 of their own annual plan, 逾期未开工 by category or by 项目级别, a second 开工率 under its own name, and
where a manual run keeps its history.

One small ledger (2024-06, 序时进度 50.0%), counted by hand:

    项目  类别      级别  单位    计划  完成   完成率  计划开工  实际开工   截至本月应开工  年内计划开工  逾期
    甲    产业项目  省    经发局  1000  600    60%    2024.3   2024.3     是(已开工)      是(已开工)
    乙    产业项目  市    经发局  1000  500    50%    2024.5   —          是              是            是
    丙    产业项目  县    招商局  1000  100    10%    2024.2   —          是              是            是
    丁    社会民生  县    招商局  2000  1500   75%    2024.9   2024.4     否              是(已开工)
    戊    社会民生  省    经发局  —     —      —      2024.10  2024.6     否              是(已开工)
    己    基础设施  县    招商局  800   —      未报    2024.1   2024.1     是(已开工)      是(已开工)
    庚    基础设施  市    经发局  500   200    40%    2023.11  2023.11    否(上年)        否
    辛    社会民生  省    招商局  300   0      0%     2024.4   —          是              是            是

有年度计划投资 7 (all but 戊), 投资达到序时进度 3 (甲, 乙 at exactly 50%, 丁), 1 unreported (己): 42.9%.
应开工 (planned_to_date) 5, 其中已开工 2: 40.0%; 年内计划开工 (planned_this_year) 7, started 4: 57.1%.
"""

from __future__ import annotations

import sqlite3

import openpyxl
import pytest
from conftest import PERIOD, config_from, data_dir, write_xlsx
from docx import Document

from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.pipeline import run

HEADER = [
    "序号",
    "项目名称",
    "项目类别",
    "项目级别",
    "责任单位",
    "年度计划投资（万元）",
    "1-6月完成投资（万元）",
    "计划开工时间",
    "实际开工时间",
]
ROWS = [
    [1, "甲项目", "产业项目", "省", "经发局", 1000, 600, "2024.3", "2024.3"],
    [2, "乙项目", "产业项目", "市", "经发局", 1000, 500, "2024.5", "—"],
    [3, "丙项目", "产业项目", "县", "招商局", 1000, 100, "2024.2", "—"],
    [4, "丁项目", "社会民生", "县", "招商局", 2000, 1500, "2024.9", "2024.4"],
    [5, "戊项目", "社会民生", "省", "经发局", "—", "—", "2024.10", "2024.6"],
    [6, "己项目", "基础设施", "县", "招商局", 800, "—", "2024.1", "2024.1"],
    [7, "庚项目", "基础设施", "市", "经发局", 500, 200, "2023.11", "2023.11"],
    [8, "辛项目", "社会民生", "省", "招商局", 300, 0, "2024.4", "—"],
]

CONFIG = """
zone: 测试经开区
year: 2024
departments:
  - {{name: 经发局, email: [jingfa@example.com]}}
  - {{name: 招商局, email: [zhaoshang@example.com]}}
indicators:
  - {{id: starts, name: 已开工项目, unit: 个, kind: count, target: 10, owner: 经发局,
     source: {{ledger: projects, count_where: {{started: true}}}}}}
ledgers:
  projects:
    file: 重点项目.xlsx
    amount_unit: 万元
    columns: {{name: 项目名称, category: 项目类别, owner: 责任单位, annual_plan: 年度计划投资,
              completed: "1-{{month}}月完成投资", planned_start: 计划开工时间, actual_start: 实际开工时间{level}}}
{ledger_extra}
output:
  charts: {{enabled: false}}
mail:
  host: 127.0.0.1
  sender: reportgen@zone.example
  leaders: [leader@zone.example]
{tail}"""


def make(tmp_path, *, level: bool = False, ledger_extra: str = "", tail: str = ""):
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", [["测试经开区重点项目进度表"], HEADER, *ROWS])
    text = CONFIG.format(
        level=", level: 项目级别" if level else "",
        ledger_extra="\n".join(f"    {line}" for line in ledger_extra.splitlines()),
        tail=tail,
    )
    return config_from(tmp_path, text)


def words(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def summary_rows(workbook) -> list[dict]:
    sheet = openpyxl.load_workbook(workbook)["项目汇总"]
    head = [c.value for c in sheet[3]]
    return [dict(zip(head, r)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]


def emails(config, result) -> dict[str, str]:
    from reportgen.deliver import period_messages

    return {m.department or "leaders": m.text for m in period_messages(config, PERIOD, result.folder)}


# ---- projects against their own annual plan's 序时 ------------------------------------------------------------


def test_ahead_of_plan_counted_per_category_department_and_total(tmp_path):
    result = run(make(tmp_path), PERIOD)
    ledger = result.results.ledgers[0]
    t = ledger.total
    assert ledger.time_progress == pytest.approx(0.5)
    assert (t.with_plan, t.ahead, t.plan_unreported) == (7, 3, 1)
    assert t.ahead_share == pytest.approx(3 / 7)
    by_category = {g.name: (g.with_plan, g.ahead, g.plan_unreported) for g in ledger.by_category}
    assert by_category == {"产业项目": (3, 2, 0), "社会民生": (2, 1, 0), "基础设施": (2, 0, 1)}
    by_department = {g.name: (g.with_plan, g.ahead, g.plan_unreported) for g in ledger.by_department}
    assert by_department == {"经发局": (3, 2, 0), "招商局": (4, 1, 1)}
    ahead = {p.name: p.ahead for p in ledger.projects}
    assert ahead == {
        "甲项目": True,
        "乙项目": True,
        "丙项目": False,
        "丁项目": True,
        "戊项目": None,
        "己项目": None,
        "庚项目": False,
        "辛项目": False,
    }  # 乙: exactly 50% reaches 序时

    text = words(result.report)
    assert (
        "有年度计划投资的7个项目中，3个投资完成率达到序时进度（50.0%），占42.9%（1个未填报完成投资，未计入）。"
        in text
    )

    rows = summary_rows(result.workbook)
    zone = next(r for r in rows if r["类别/单位"] == "合计")
    assert (zone["有年度计划投资"], zone["投资达到序时进度"], zone["达到序时进度占比"]) == (7, 3, 0.429)
    got = {
        (r["汇总口径"], r["类别/单位"]): (r["有年度计划投资"], r["投资达到序时进度"], r["达到序时进度占比"])
        for r in rows
        if r["类别/单位"] != "合计"
    }
    assert got == {
        ("按类别", "产业项目"): (3, 2, 0.667),
        ("按类别", "社会民生"): (2, 1, 0.5),
        ("按类别", "基础设施"): (2, 0, 0.0),
        ("按责任单位", "经发局"): (3, 2, 0.667),
        ("按责任单位", "招商局"): (4, 1, 0.25),
    }
    subtitle = openpyxl.load_workbook(result.workbook)["项目汇总"]["A2"].value
    assert "投资达到序时进度指有年度计划投资的项目中1-6月完成÷年度计划投资≥序时进度50.0%" in subtitle

    mails = emails(load_config(tmp_path / "config.yaml"), result)
    assert "有年度计划投资的3个项目中，2个投资完成率达到序时进度（50.0%），占66.7%" in mails["经发局"]
    assert (
        "有年度计划投资的4个项目中，1个投资完成率达到序时进度（50.0%），占25.0%（1个未填报完成投资，未计入）"
        in mails["招商局"]
    )


def test_no_annual_plan_no_ahead_sentence(tmp_path):
    """Without a 年度计划投资 column nothing can be judged against 序时: no sentence, zeros in the workbook."""
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", [HEADER, *ROWS])
    config = config_from(
        tmp_path, CONFIG.format(level="", ledger_extra="", tail="").replace("annual_plan: 年度计划投资,", "")
    )
    result = run(config, PERIOD)
    assert result.results.ledgers[0].total.with_plan == 0
    assert "达到序时进度（" not in words(result.report)


# ---- 逾期未开工 by category or by 项目级别 ----------------------------------------------------------------------


def test_overdue_broken_down_by_category_by_default(tmp_path):
    result = run(make(tmp_path, level=True), PERIOD)
    assert "逾期未开工3个（计划开工月份已到仍未开工）：产业项目2个、社会民生1个，" in words(result.report)


def test_overdue_broken_down_by_level_when_configured(tmp_path):
    result = run(make(tmp_path, level=True, ledger_extra="breakdown: level"), PERIOD)
    assert {p.name: p.level for p in result.results.ledgers[0].overdue} == {
        "乙项目": "市",
        "丙项目": "县",
        "辛项目": "省",
    }
    text = words(result.report)
    # 省 before 市 before 县, whatever order the rows came in.
    assert "逾期未开工3个（计划开工月份已到仍未开工）：省1个、市1个、县1个，" in text
    assert "产业项目2个" not in text


def test_level_breakdown_needs_the_level_column(tmp_path):
    with pytest.raises(ReportgenError, match="breakdown.*columns.level"):
        make(tmp_path, ledger_extra="breakdown: level")


# ---- a second 开工率 under its own name ----------------------------------------------------------------------


def test_both_start_rates_labelled_in_word_excel_and_email(tmp_path):
    result = run(make(tmp_path, ledger_extra="also_start_rate_base: planned_this_year"), PERIOD)
    t = result.results.ledgers[0].total
    assert (t.start_base, t.started, t.also_start_base, t.also_started) == (5, 2, 7, 4)

    both = (
        "计划截至本月开工的项目（应开工）5个，其中已开工2个，开工率40.0%；"
        "计划年内开工的7个项目已开工4个，年度开工率57.1%"
    )
    text = words(result.report)
    assert text.count(both) == 1

    rows = summary_rows(result.workbook)
    zone = next(r for r in rows if r["类别/单位"] == "合计")
    assert (zone["应开工"], zone["其中已开工"], zone["开工率"]) == (5, 2, 0.4)  # the main base only
    assert (zone["计划年内开工"], zone["计划年内开工中已开工"], zone["年度开工率"]) == (7, 4, 0.571)
    departments = {r["类别/单位"]: r for r in rows if r["汇总口径"] == "按责任单位"}
    assert (departments["经发局"]["应开工"], departments["经发局"]["其中已开工"]) == (2, 1)
    assert (
        departments["经发局"]["计划年内开工"],
        departments["经发局"]["计划年内开工中已开工"],
        departments["经发局"]["年度开工率"],
    ) == (3, 2, 0.667)
    assert (
        departments["招商局"]["计划年内开工"],
        departments["招商局"]["计划年内开工中已开工"],
        departments["招商局"]["年度开工率"],
    ) == (4, 2, 0.5)
    subtitle = openpyxl.load_workbook(result.workbook)["项目汇总"]["A2"].value
    assert "应开工指计划截至本月开工的项目；年度开工率按计划年内开工的项目计" in subtitle

    mails = emails(load_config(tmp_path / "config.yaml"), result)
    assert both in mails["leaders"]
    assert (
        "计划截至本月开工的项目（应开工）2个，其中已开工1个，开工率50.0%；"
        "计划年内开工的3个项目已开工2个，年度开工率66.7%"
    ) in mails["经发局"]
    assert (
        "计划截至本月开工的项目（应开工）3个，其中已开工1个，开工率33.3%；"
        "计划年内开工的4个项目已开工2个，年度开工率50.0%"
    ) in mails["招商局"]


def test_second_rate_columns_only_when_configured(tmp_path):
    result = run(make(tmp_path), PERIOD)
    head = [c.value for c in openpyxl.load_workbook(result.workbook)["项目汇总"][3]]
    assert "开工率" in head and not any(h and ("年度开工率" in h or "第二口径" in h) for h in head)
    assert "年度开工率" not in words(result.report)


def test_second_base_must_differ_from_the_main_one(tmp_path):
    with pytest.raises(ReportgenError, match="also_start_rate_base"):
        make(tmp_path, ledger_extra="also_start_rate_base: planned_to_date")


# ---- where a manual run records its history ------------------------------------------------------------------


def _runs(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT report, period, status FROM reportgen_runs").fetchall()


def test_manual_run_history_beside_the_output_when_no_state_dir(tmp_path, capsys):
    from reportgen.cli import main
    from reportgen.history import jobstore_url

    out = tmp_path / "elsewhere" / "报告"
    make(tmp_path)
    path = tmp_path / "config.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("output:\n", f"output:\n  dir: {out}\n", 1), encoding="utf-8"
    )
    assert main(["run", "--config", str(path), "--period", "2024-06"]) == 0
    assert not (tmp_path / "state").exists()  # not beside the config
    assert _runs(out / "state" / "reportgen.sqlite") == [("manual", "2024-06", "success")]
    assert jobstore_url(load_config(path)) == f"sqlite:///{out / 'state' / 'reportgen.sqlite'}"
    capsys.readouterr()
    assert main(["history", "--config", str(path)]) == 0  # `history` reads the same store
    assert "2024-06 手工运行 生成成功" in capsys.readouterr().out


def test_manual_run_history_in_the_configured_state_dir(tmp_path):
    from reportgen.cli import main
    from reportgen.history import jobstore_url

    make(tmp_path, tail="schedule:\n  state_dir: 运行记录\n")
    path = tmp_path / "config.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("output:\n", "output:\n  dir: 生成/报告\n", 1),
        encoding="utf-8",
    )
    assert main(["run", "--config", str(path), "--period", "2024-06"]) == 0
    assert _runs(tmp_path / "运行记录" / "reportgen.sqlite") == [("manual", "2024-06", "success")]
    assert (
        not (tmp_path / "生成" / "报告" / "state").exists()
        and (tmp_path / "生成" / "报告" / "2024-06").is_dir()
    )
    assert jobstore_url(load_config(path)) == f"sqlite:///{tmp_path / '运行记录' / 'reportgen.sqlite'}"
