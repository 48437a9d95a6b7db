"""Each department's 督办单: action items first, the report's own sentences, fill-in cells open, the rest locked."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from reportgen.config.load import load_config
from reportgen.deliver import period_messages
from reportgen.metrics.summary import for_department
from reportgen.period import Period
from reportgen.pipeline import department_workbook_name, run
from reportgen.render.report import Voice
from reportgen.render.supervision import FILL_IN, NOTHING_TO_DO, REFERENCE_HEAD, write_supervision
from reportgen.samples import write_sample_project
from reportgen.workdays import WorkCalendar

NOW = datetime(2024, 10, 8, 9, 0)
SEPTEMBER = Period(2024, 9)
HEAD = [
    "序号",
    "事项（指标/项目）",
    "现状",
    "状态/督办等级",
    "存在问题",
    "整改措施",
    "责任人",
    "完成时限",
    "反馈情况",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("dubandan")
    write_sample_project(root)
    config = load_config(root / "config.yaml")
    return config, run(config, SEPTEMBER, now=NOW)


def sheet(demo, department):
    config, result = demo
    path = result.folder / "departments" / department_workbook_name(config, SEPTEMBER, department)
    return openpyxl.load_workbook(path).active


def rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]


def test_name_title_and_subtitle_with_the_reply_deadline(demo):
    config, result = demo
    assert (
        department_workbook_name(config, SEPTEMBER, "应急局")
        == "示范经济技术开发区2024年1-9月督办单（应急局）.xlsx"
    )
    ws = sheet(demo, "应急局")
    assert ws["A1"].value == "示范经济技术开发区2024年1-9月重点指标督办单（应急局）"
    # 成文日期 2024-10-12 (workday:5 after September: Saturday 10-12 is a 调休 working day); five working days later
    assert "请于2024年10月18日前填写后报回" in ws["A2"].value
    assert "黄灯提醒" in ws["A2"].value and "约谈" in ws["A2"].value and "1-9月" in ws["A2"].value
    assert [c.value for c in ws[3]] == HEAD


def test_breach_first_then_reference_rows(demo):
    table = rows(sheet(demo, "应急局"))
    first = table[0]
    assert first[1] == "生产安全事故死亡人数"
    assert "突破控制目标（0人），触碰底线" in first[2] and first[3].startswith("突破底线")
    assert "进展滞后" not in first[2] and "督办" in first[3]
    assert table[1][0] == REFERENCE_HEAD
    assert {r[1] for r in table[2:]} >= {"较大及以上生产安全事故", "安全生产检查企业"}


def test_red_before_yellow_with_escalation_and_overdue_projects(demo):
    table = rows(sheet(demo, "财政局"))
    subjects = [r[1] for r in table]
    fund, tax = subjects.index("政府性基金收入"), subjects.index("税收收入增长")
    assert fund < tax
    assert table[fund][3] == "红灯，连续9个月亮灯，约谈"
    assert table[tax][3] == "黄灯，连续3个月亮灯，督办"
    project = table[subjects.index("华澄新型显示材料项目")]
    assert project[3] == "逾期未开工，逾期2个月" and project[4] == "征迁尚有2户未签约"
    assert subjects.index("华澄新型显示材料项目") < [r[0] for r in table].index(REFERENCE_HEAD)


def test_situation_is_the_reports_sentence(demo):
    config, result = demo
    decimals = {i.id: i.decimals for i in config.indicators if getattr(i, "decimals", None) is not None}
    voice = Voice.of(result.results, config.lights.near, config.lights.severe, decimals, config.lights)
    fund = next(r for r in result.results.indicators if r.name == "政府性基金收入")
    assert rows(sheet(demo, "财政局"))[0][2] == voice.say(fund)


def test_fill_in_cells_open_the_rest_locked(demo):
    ws = sheet(demo, "财政局")
    assert ws.protection.sheet and not ws.protection.password
    fill = [i for i, h in enumerate(HEAD, start=1) if h in FILL_IN]
    assert len(fill) == 4
    for row in (4, 5, 6):  # the three action rows
        for col in range(1, len(HEAD) + 1):
            assert ws.cell(row, col).protection.locked == (col not in fill), (row, col)
    assert ws.cell(4, 6).value is None  # empty for the department
    reference = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == REFERENCE_HEAD][0]
    assert all(ws.cell(reference + 1, c).protection.locked for c in fill)


def test_print_setup(demo):
    ws = sheet(demo, "财政局")
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
    assert min(sizes) >= 9


def test_nothing_to_act_on_still_gets_a_sheet(demo, tmp_path):
    config, result = demo
    mine = for_department(result.results, "应急局")
    fine = type(mine)(**{**vars(mine), "indicators": tuple(r for r in mine.indicators if r.light == "green")})
    path = write_supervision(
        fine, "应急局", tmp_path / "x.xlsx", voice=Voice.of(fine), deadline=date(2024, 10, 14)
    )
    table = rows(openpyxl.load_workbook(path).active)
    assert table[0][0] == NOTHING_TO_DO and table[1][0] == REFERENCE_HEAD and len(table) > 2


def test_department_mail_asks_for_the_sheet_back_by_the_deadline(demo):
    config, result = demo
    config = config.model_copy(
        update={"mail": config.mail.model_copy(update={"leaders": [], "departments": True})}
    )
    messages = [m for m in period_messages(config, SEPTEMBER, result.folder) if m.department == "财政局"]
    assert messages
    for m in messages:
        assert m.subject.endswith("（财政局督办单）")
        assert m.attachments[0].name == "示范经济技术开发区2024年1-9月督办单（财政局）.xlsx"
        assert "于2024年10月18日前报回" in m.text and "3项需督办事项" in m.text


def test_reply_deadline_counts_working_days():
    calendar = WorkCalendar(workdays=[date(2024, 10, 12)])
    assert calendar.after(date(2024, 10, 8), 5) == date(2024, 10, 14)
    assert calendar.after(date(2024, 7, 5), 5) == date(2024, 7, 12)


def test_returned_sheet_read_back_into_next_months_report(tmp_path):
    """June's 督办单 for 财政局, filled in and put among July's submissions under another name, appears in July's
    五 as 上月督办事项反馈; the items nobody answered are named."""
    from docx import Document

    from reportgen.sources.supervision_reply import read_reply

    write_sample_project(tmp_path)
    config = load_config(tmp_path / "config.yaml")
    june = run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    sent = june.folder / "departments" / department_workbook_name(config, Period(2024, 6), "财政局")
    wb = openpyxl.load_workbook(sent)
    ws = wb.active
    assert ws.cell(4, 2).value == "政府性基金收入"
    for col, value in zip(range(6, 10), ("加快三宗经营性用地挂牌出让", "张明", "2024年8月底", "一宗已挂牌")):
        ws.cell(4, col).value = value
    returned = tmp_path / "data" / "2024-07" / "财政局报回.xlsx"
    wb.save(returned)

    reply = read_reply(returned)
    assert (reply.department, reply.span, reply.year) == ("财政局", "1-6月", 2024)
    assert reply.items[0].answered and reply.items[0].person == "张明"
    assert not any(i.answered for i in reply.items[1:])

    july = run(config, Period(2024, 7), now=datetime(2024, 8, 5, 9))
    text = [p.text for p in Document(str(july.report)).paragraphs]
    start = text.index("上月督办事项反馈")
    assert text.index("五、存在问题及下步建议") < start
    assert text[start + 1] == (
        "财政局：政府性基金收入——加快三宗经营性用地挂牌出让，一宗已挂牌（责任人张明，时限2024年8月底）。"
    )
    missing = text[start + 2]
    assert missing.startswith("以下1-6月督办事项未反馈：")
    assert "招商局（外贸进出口总额、实到外资" in missing  # no sheet came back from 招商局
    assert "政府性基金收入" not in missing


def test_no_returned_sheet_no_feedback_section(demo):
    from docx import Document

    _, result = demo
    assert "上月督办事项反馈" not in [p.text for p in Document(str(result.report)).paragraphs]


def test_a_workbook_that_is_not_a_dubandan_is_ignored(tmp_path):
    from reportgen.sources.supervision_reply import read_replies, read_reply

    wb = openpyxl.Workbook()
    wb.active["A1"] = "重点指标完成情况"
    wb.save(tmp_path / "其他.xlsx")
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip")
    assert read_reply(tmp_path / "其他.xlsx") is None and read_reply(tmp_path / "坏.xlsx") is None
    assert read_replies(tmp_path, 2024, "1-6月") == []
