"""The submission portal's library on real workbooks: the intake check (type by content, values with provenance
beside last month, errors naming the cell, warnings needing explanations), the version store (atomic publish into
data/<period>/, 手工放置, 退回 and 确认), what a department owes, readiness and 有更新, and the staff CLI."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import config_from, write_xls, write_xlsx

from reportgen.cli import main
from reportgen.intake import IntakeError, check_upload, detect_kind
from reportgen.owed import deadline, outstanding, owed, updates_since_report
from reportgen.period import Period
from reportgen.sources.collect import find_input, missing_submissions, read_period
from reportgen.submissions import (
    CONFIRMED,
    MANUAL,
    NOT_SUBMITTED,
    RETURNED,
    SUBMITTED,
    Actor,
    SubmissionStore,
    period_status,
)

JUNE, MAY = Period(2024, 6), Period(2024, 5)
NOW = datetime(2024, 7, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, Tuesday 2 July
JINGFA, ZHAOSHANG, STAFF = Actor("张三", "经发局"), Actor("李四", "招商局"), Actor("王科长")
MAIN = "主要指标.xlsx"

CONFIG = """
zone: 测试经开区
year: 2024
departments:
  - {name: 经发局, aliases: [经济发展局], email: [jingfa@example.com]}
  - {name: 招商局, email: [zhaoshang@example.com]}
indicators:
  - {id: fai, name: 固定资产投资, unit: 亿元, kind: cumulative, target: 200, owner: 经发局,
     source: {file: 主要指标.xlsx, sheet: 指标, row: 固定资产投资, column: "1-{month}月累计"},
     last_year: {column: 上年同期}}
  - {id: output, name: 规上工业总产值, unit: 亿元, kind: cumulative, target: 650, owner: 经发局,
     source: {file: 主要指标.xlsx, sheet: 指标, row: 规上工业总产值, column: "1-{month}月累计"}}
  - {id: fdi, name: 实到外资, unit: 万美元, kind: cumulative, target: 8000, owner: 招商局, decimals: 0,
     source: {file: 招商引资.xls, sheet: 招商, row: 实到外资, column: "1-{month}月累计"}}
  - {id: starts, name: 新开工项目, unit: 个, kind: count, target: 3, owner: 经发局,
     source: {ledger: projects, count_where: {started: true}}}
ledgers:
  projects:
    file: 重点项目.xlsx
    owner: 经发局
    columns: {name: 项目名称, owner: 责任单位, annual_plan: 年度计划投资, completed: "1-{month}月完成投资",
              planned_start: 计划开工时间, actual_start: 实际开工时间}
schedule:
  jobs:
    - {name: 月报, workday: 5, time: "08:30", wait: {deadline_hours: 48}}
"""


def main_rows(month: int, fai: object, output: object = 336.8, unit: str = "亿元") -> list[list]:
    return [
        [f"测试经开区2024年1-{month}月主要指标"],
        [f"单位：{unit}"],
        ["指标名称", "全年目标", f"1-{month}月累计", "上年同期"],
        ["固定资产投资", 200, fai, 99.4],
        ["规上工业总产值", 650, output, 307.3],
    ]


def main_book(path: Path, month: int, fai: object, **kw) -> bytes:
    write_xlsx(path, main_rows(month, fai, **kw), sheet="指标")
    return path.read_bytes()


def ledger_rows(month: int, extra: list | None = None) -> list[list]:
    rows = [
        [
            "序号",
            "项目名称",
            "责任单位",
            "年度计划投资（万元）",
            f"1-{month}月完成投资（万元）",
            "计划开工时间",
            "实际开工时间",
        ],
        [1, "甲项目", "经发局", 20000, 15000 if month == 6 else 12000, "2024.3", "2024年3月"],
        [2, "乙项目", "招商局", 10000, 2000, "2024年5月", "—"],
    ]
    return rows + ([extra] if extra else [])


@pytest.fixture
def zone(tmp_path):
    """May and June on disk (June's 主要指标 placed by hand), the config, and a store under the state folder."""
    config = config_from(tmp_path, CONFIG)
    for period, fai, output in ((MAY, 91.71, 274.67), (JUNE, 112.4, 336.8)):
        folder = tmp_path / "data" / str(period)
        main_book(folder / MAIN, period.month, fai, output=output)
        write_xls(
            folder / "招商引资.xls",
            [["指标名称", f"1-{period.month}月累计"], ["实到外资", 2914 if period == MAY else 3620]],
            sheet="招商",
        )
        write_xlsx(folder / "重点项目.xlsx", ledger_rows(period.month))
    (tmp_path / "data" / str(JUNE) / "招商引资.xls").unlink()  # June: 招商局 has not sent yet
    return config, SubmissionStore.for_config(config), tmp_path


def june_file(root: Path, name: str = MAIN) -> Path:
    return root / "data" / str(JUNE) / name


# ---- the intake check --------------------------------------------------------------------------------------


def test_good_file_gives_values_with_provenance_beside_last_month(zone):
    config, _, root = zone
    content = main_book(root / "up" / "a.xlsx", 6, 112.4)
    result = check_upload(config, JUNE, MAIN, content, "a.xlsx")
    assert result.ok and not result.warnings and result.kind == "xlsx" and result.previous_period == "2024-05"
    fai = next(f for f in result.figures if f.key == "fai")
    assert fai.text() == "固定资产投资 1-6月累计 112.40 亿元 ← 主要指标.xlsx › 指标 › C4"
    assert fai.previous == pytest.approx(91.71) and fai.previous_location == "主要指标.xlsx › 指标 › C4"
    assert fai.previous_text() == "上月：91.71 亿元"
    assert {f.key for f in result.figures} == {"fai", "fai.last_year", "output"}  # nothing from other files


def test_bad_cell_is_a_blocking_error_naming_sheet_and_cell(zone):
    config, store, root = zone
    content = main_book(root / "up" / "bad.xlsx", 6, "11a.4")
    result = check_upload(config, JUNE, MAIN, content, "bad.xlsx")
    assert not result.ok
    [error] = result.errors
    assert error.location == "主要指标.xlsx › 指标 › C4" and "不是数字" in error.message
    assert next(f for f in result.figures if f.key == "fai").shown() == "未读到"
    before = june_file(root).read_bytes()
    outcome = store.upload(config, JUNE, JINGFA, MAIN, content, "bad.xlsx", NOW)
    assert not outcome.accepted and june_file(root).read_bytes() == before  # kept as a version, not published
    with pytest.raises(IntakeError, match="错误，不能采用"):
        store.accept(config, JINGFA, outcome.version.id, {}, NOW)


@pytest.mark.parametrize(
    "content, what",
    [
        (b"%PDF-1.7\n1 0 obj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"# README\n\nJust some notes about the zone.\nNothing tabular here.\n", "普通文本"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    ],
)
def test_wrong_content_with_xlsx_extension_is_refused(zone, content, what):
    config, store, root = zone
    with pytest.raises(IntakeError, match=what):
        store.upload(config, JUNE, JINGFA, MAIN, content, "主要指标.xlsx", NOW)
    assert store.versions(JUNE) == []


def test_word_document_named_xlsx_is_refused(tmp_path):
    import docx

    path = tmp_path / "a.xlsx"
    docx.Document().save(path)
    with pytest.raises(IntakeError, match="Word"):
        detect_kind(path.read_bytes())


def test_kind_comes_from_content_not_name(zone):
    """A real .xls sent as 主要指标.xlsx is read as .xls and written as 主要指标.xls (the reader finds it by stem);
    the hand-placed 主要指标.xlsx it replaces is kept as a version, not left to clash with it."""
    config, store, root = zone
    write_xls(root / "up" / "x.xls", main_rows(6, 112.4), sheet="指标")
    content = (root / "up" / "x.xls").read_bytes()
    outcome = store.upload(config, JUNE, JINGFA, MAIN, content, "主要指标.xlsx", NOW)
    assert outcome.accepted and outcome.result.kind == "xls" and outcome.result.stored_name == "主要指标.xls"
    assert find_input(june_file(root).parent, MAIN).name == "主要指标.xls"
    assert not june_file(root).exists()
    assert [v.origin for v in store.versions(JUNE, MAIN)] == ["upload", "manual"]
    assert read_period(config, JUNE).readings["fai"].value == pytest.approx(112.4)
    csv = "指标名称,1-6月累计,上年同期\n固定资产投资,112.4,99.4\n".encode("gb18030")
    assert detect_kind(csv) == "csv"


def test_gbk_csv_upload_is_read_like_the_run_reads_it(tmp_path):
    config = config_from(
        tmp_path,
        CONFIG.replace("主要指标.xlsx, sheet: 指标,", "主要指标.csv,").split("schedule:")[0],
    )
    text = '单位：亿元\n指标名称,全年目标,1-6月累计,上年同期\n固定资产投资,200,"1,12.4",99.4\n规上工业总产值,650,336.8,307.3\n'
    result = check_upload(config, JUNE, "主要指标.csv", text.encode("gb18030"), "主要指标.csv")
    assert result.kind == "csv" and result.previous_period == ""  # no May file: nothing to compare
    fai = next(f for f in result.figures if f.key == "fai")
    assert fai.text() == "固定资产投资 1-6月累计 112.40 亿元 ← 主要指标.csv › 主要指标 › C3"


def test_january_has_no_last_month_and_other_years_are_refused(zone):
    config, _, root = zone
    january = Period(2024, 1)
    content = main_book(root / "up" / "1.xlsx", 1, 10.0)
    result = check_upload(config, january, MAIN, content, "1.xlsx")
    assert result.ok and result.previous_period == "" and all(f.previous is None for f in result.figures)
    with pytest.raises(IntakeError, match="不在配置的年度 2024 内"):
        check_upload(config, Period(2025, 6), MAIN, content, "1.xlsx")


def test_big_xls_is_recognised_and_a_new_month_folder_is_made(zone):
    """xlwt writes the stream directory at the end: a multi-megabyte .xls is still recognised by content."""
    config, store, root = zone
    rows = main_rows(7, 130.0) + [[f"说明行{i}", f"{i:06d}" + "x" * 300] for i in range(6000)]
    write_xls(root / "up" / "big.xls", rows, sheet="指标")
    content = (root / "up" / "big.xls").read_bytes()
    assert len(content) > 1_000_000 and detect_kind(content) == "xls"
    july = Period(2024, 7)
    assert not (root / "data" / str(july)).exists()
    outcome = store.upload(config, july, JINGFA, MAIN, content, "big.xls", NOW)
    assert outcome.result.ok and (root / "data" / str(july) / "主要指标.xls").read_bytes() == content
    # August: last month's file is over 1 MB, so it is read in a second process beside the upload's own read.
    august = main_book(root / "up" / "aug.xlsx", 8, 150.0)
    fai = next(
        f for f in check_upload(config, Period(2024, 8), MAIN, august, "aug.xlsx").figures if f.key == "fai"
    )
    assert (fai.previous, fai.previous_location) == (130.0, "主要指标.xls › 指标 › C4")


def test_last_month_checked_by_the_portal_is_not_read_again(zone, monkeypatch):
    import reportgen.intake as intake

    config, store, root = zone
    may = main_book(root / "up" / "may.xlsx", 5, 91.71, output=274.67)
    assert store.upload(config, MAY, JINGFA, MAIN, may, "may.xlsx", NOW).accepted
    reads = []
    real = intake._read
    monkeypatch.setattr(
        intake,
        "_read",
        lambda config, root, period, name: reads.append(period) or real(config, root, period, name),
    )
    monkeypatch.setattr(intake, "_REFERENCES", {})
    june = main_book(root / "up" / "june.xlsx", 6, 80.0)
    outcome = store.upload(config, JUNE, JINGFA, MAIN, june, "june.xlsx", NOW)
    assert reads == [JUNE]  # May's values came from its stored check
    fai = next(f for f in outcome.result.figures if f.key == "fai")
    assert (fai.previous, fai.previous_location) == (pytest.approx(91.71), "主要指标.xlsx › 指标 › C4")
    assert [w.key for w in outcome.unexplained] == ["lower:fai"]


def test_upload_bigger_than_the_limit_is_refused(zone):
    config, store, root = zone
    small = config.model_copy(update={"portal": config.portal.model_copy(update={"max_upload_mb": 0.001})})
    content = main_book(root / "up" / "a.xlsx", 6, 112.4)
    with pytest.raises(IntakeError, match="超过上传上限 0.001 MB"):
        store.upload(small, JUNE, JINGFA, MAIN, content, "a.xlsx", NOW)


def test_warning_needs_an_explanation_before_the_file_counts(zone):
    config, store, root = zone
    content = main_book(root / "up" / "low.xlsx", 6, 80.0)
    outcome = store.upload(config, JUNE, JINGFA, MAIN, content, "low.xlsx", NOW)
    assert not outcome.accepted
    [warning] = outcome.unexplained
    assert warning.key == "lower:fai" and "低于上月的 91.71 亿元" in warning.message
    assert warning.location == "主要指标.xlsx › 指标 › C4"
    with pytest.raises(IntakeError, match="需要填写说明"):
        store.accept(config, JINGFA, outcome.version.id, {"lower:fai": "  "}, NOW)
    version = store.accept(config, JINGFA, outcome.version.id, {"1": "核减重复入统项目"}, NOW)
    assert version.explanations == {"lower:fai": "核减重复入统项目"} and version.accepted
    assert june_file(root).read_bytes() == content
    [status] = [s for s in period_status(config, store, JUNE) if s.file == MAIN]
    assert status.status == SUBMITTED and status.version.id == outcome.version.id


def test_ten_times_last_month_and_a_changed_unit_are_warnings(zone):
    config, _, root = zone
    jump = check_upload(config, JUNE, MAIN, main_book(root / "up" / "j.xlsx", 6, 1124.0), "j.xlsx")
    assert [w.key for w in jump.warnings] == ["jump:fai"] and "12.3 倍" in jump.warnings[0].message
    # Same figures typed in 万元 under a 万元 header: read right, but the department is asked to confirm.
    unit = check_upload(
        config,
        JUNE,
        MAIN,
        main_book(root / "up" / "u.xlsx", 6, 1124000, output=3368000, unit="万元"),
        "u.xlsx",
    )
    assert next(f for f in unit.figures if f.key == "fai").value == pytest.approx(112.4)
    keys = {w.key: w.message for w in unit.warnings}
    assert set(keys) == {"unit:fai", "unit:output"}
    assert "由上月的亿元变为万元" in keys["unit:fai"]


def test_row_that_cannot_be_classified_is_a_warning(zone):
    config, _, root = zone
    path = write_xlsx(root / "up" / "p.xlsx", ledger_rows(6, [None, None, "经发局", 3000, 1000, None, None]))
    result = check_upload(config, JUNE, "重点项目.xlsx", path.read_bytes(), "p.xlsx")
    assert result.ok
    [warning] = result.warnings
    assert warning.key.startswith("unclassified:") and "无法识别" in warning.message
    assert "重点项目.xlsx › Sheet1 › " in warning.location
    count = next(f for f in result.figures if f.key == "ledger.projects.count")
    assert (count.value, count.previous) == (2, 2)


# ---- versions, 退回, 确认 -------------------------------------------------------------------------------------


def test_replacing_a_version_keeps_the_old_one_and_compare_names_the_cells(zone):
    config, store, root = zone
    first = main_book(root / "up" / "1.xlsx", 6, 112.4, output=336.8)
    second = main_book(root / "up" / "2.xlsx", 6, 113.0, output=336.8)
    a = store.upload(config, JUNE, JINGFA, MAIN, first, "1.xlsx", NOW).version
    b = store.upload(config, JUNE, JINGFA, MAIN, second, "2.xlsx", NOW + timedelta(hours=1)).version
    assert june_file(root).read_bytes() == second
    assert store.content(a) == first and store.content(b) == second
    assert [v.id for v in store.versions(JUNE, MAIN) if v.origin == "upload"] == [a.id, b.id]
    [diff] = store.compare(config, a.id, b.id)
    assert diff.text() == (
        "固定资产投资 1-6月累计：112.40 亿元（主要指标.xlsx › 指标 › C4）→ 113.00 亿元（主要指标.xlsx › 指标 › C4）"
    )
    store.accept(config, STAFF, a.id, {}, NOW + timedelta(hours=2))  # staff may go back to the first
    assert june_file(root).read_bytes() == first


def test_return_then_confirm_locks_the_file(zone):
    config, store, root = zone
    content = main_book(root / "up" / "1.xlsx", 6, 112.4)
    store.upload(config, JUNE, JINGFA, MAIN, content, "1.xlsx", NOW)
    with pytest.raises(IntakeError, match="只有工作人员"):
        store.return_file(config, JINGFA, JUNE, MAIN, "自己退回", NOW)
    with pytest.raises(IntakeError, match="须写明理由"):
        store.return_file(config, STAFF, JUNE, MAIN, "  ", NOW)
    notice = store.return_file(config, STAFF, JUNE, MAIN, "固投与统计局数据不一致", NOW)
    assert notice.departments == ("经发局",) and "固投与统计局数据不一致" in notice.text
    [status] = [s for s in period_status(config, store, JUNE) if s.file == MAIN]
    assert status.status == RETURNED and status.label == "退回（固投与统计局数据不一致）"
    assert (MAIN, ["经发局"]) in outstanding(config, store, JUNE)  # 缺报 again until a new version comes
    with pytest.raises(IntakeError, match="已退回"):
        store.confirm(config, STAFF, JUNE, MAIN, NOW)
    fixed = main_book(root / "up" / "2.xlsx", 6, 113.0)
    assert store.upload(config, JUNE, JINGFA, MAIN, fixed, "2.xlsx", NOW).accepted
    assert store.confirm(config, STAFF, JUNE, MAIN, NOW).status == CONFIRMED
    with pytest.raises(IntakeError, match="已确认"):
        store.upload(config, JUNE, JINGFA, MAIN, content, "3.xlsx", NOW)
    assert june_file(root).read_bytes() == fixed
    store.reopen(config, STAFF, JUNE, MAIN, NOW)
    assert store.upload(config, JUNE, JINGFA, MAIN, content, "3.xlsx", NOW).accepted
    actions = [e["action"] for e in store.events(JUNE, MAIN)]
    assert actions[-4:] == ["confirm", "reopen", "upload", "accept"] and "return" in actions


def test_return_notice_arrives_by_smtp(zone, tmp_path, monkeypatch):
    import ssl

    import trustme
    from smtp_server import PASSWORD, USER, SMTPServer

    from reportgen.config import load_config
    from reportgen.submissions import send_return_notice

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(cafile))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    config, store, root = zone
    with SMTPServer(context) as server:
        mail = (
            f"mail: {{host: 127.0.0.1, port: {server.port}, security: starttls, username: '{USER}',"
            " password_env: TEST_SMTP_PASSWORD, sender: reportgen@zone.example, sender_name: 经发局办公室,"
            " retries: 0, timeout: 5}\n"
        )
        (root / "config.yaml").write_text(
            (root / "config.yaml").read_text(encoding="utf-8") + mail, encoding="utf-8"
        )
        config = load_config(root / "config.yaml")
        notice = store.return_file(config, STAFF, JUNE, MAIN, "上年同期数缺失", NOW)
        assert send_return_notice(config, notice) == [("jingfa@example.com", "delivered")]
    [msg] = server.handler.messages
    assert msg["To"] == "jingfa@example.com" and "【退回】" in msg["Subject"]
    assert "上年同期数缺失" in msg.get_body().get_content()


def test_hand_placed_file_counts_and_shows_as_such(zone):
    config, store, root = zone
    statuses = {s.file: s for s in period_status(config, store, JUNE)}
    assert statuses[MAIN].status == MANUAL and statuses[MAIN].counts_as_submitted
    assert statuses["招商引资.xls"].status == NOT_SUBMITTED
    assert (
        outstanding(config, store, JUNE)
        == missing_submissions(config, JUNE)
        == [("招商引资.xls", ["招商局"])]
    )
    hand = june_file(root).read_bytes()
    store.upload(config, JUNE, JINGFA, MAIN, main_book(root / "up" / "1.xlsx", 6, 112.5), "1.xlsx", NOW)
    manual = [v for v in store.versions(JUNE, MAIN) if v.origin == "manual"]
    assert len(manual) == 1 and store.content(manual[0]) == hand  # kept before it was replaced
    [diff] = store.compare(config, manual[0].id, store.versions(JUNE, MAIN)[0].id)  # read when compared
    assert (diff.key, diff.old, diff.new) == ("fai", "112.40 亿元", "112.50 亿元")
    main_book(june_file(root), 6, 120.0)  # staff copy a file over the portal's by hand
    [status] = [s for s in period_status(config, store, JUNE) if s.file == MAIN]
    assert status.status == MANUAL


def test_a_department_acts_only_on_its_own_files(zone):
    config, store, root = zone
    content = main_book(root / "up" / "1.xlsx", 6, 112.4)
    with pytest.raises(IntakeError, match="无权操作 主要指标.xlsx：该文件由经发局报送"):
        store.upload(config, JUNE, ZHAOSHANG, MAIN, content, "1.xlsx", NOW)
    version = store.upload(config, JUNE, Actor("赵六", "经济发展局"), MAIN, content, "1.xlsx", NOW).version
    with pytest.raises(IntakeError, match="无权操作"):
        store.accept(config, ZHAOSHANG, version.id, {}, NOW)
    with pytest.raises(IntakeError, match="版本 #1 不存在或无权查看"):
        store.fetch(config, ZHAOSHANG, version.id)
    with pytest.raises(IntakeError, match="版本 #99 不存在或无权查看"):
        store.fetch(config, ZHAOSHANG, 99)
    with pytest.raises(IntakeError, match="无权操作"):
        store.versions_for(config, ZHAOSHANG, JUNE, MAIN)
    assert store.fetch(config, JINGFA, version.id) == (version, content)
    assert version.id in [v.id for v in store.versions_for(config, STAFF, JUNE, MAIN)]
    assert version.department == "经发局"  # the alias the user logged in with is recorded canonically
    with pytest.raises(IntakeError, match="只有工作人员可以确认"):
        store.confirm(config, JINGFA, JUNE, MAIN, NOW)
    with pytest.raises(IntakeError, match="不是 2024-06 期需要报送的文件"):
        store.upload(config, JUNE, JINGFA, "别的.xlsx", content, "1.xlsx", NOW)
    with pytest.raises(IntakeError, match="未知的责任单位"):
        owed(config, store, JUNE, "财政局", NOW)


def test_the_data_file_is_replaced_atomically(zone, monkeypatch):
    """While the new version is written the reader sees the old file whole; a failed write leaves it as it was."""
    import reportgen.submissions as submissions

    config, store, root = zone
    old = june_file(root).read_bytes()
    new = main_book(root / "up" / "1.xlsx", 6, 112.5)
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == june_file(root):
            seen.append((Path(src).name, find_input(june_file(root).parent, MAIN).read_bytes() == old))
            assert Path(src).read_bytes() == new
        return real_replace(src, dst)

    monkeypatch.setattr(submissions.os, "replace", replace)
    store.upload(config, JUNE, JINGFA, MAIN, new, "1.xlsx", NOW)
    [(temp, whole)] = seen
    assert temp.startswith(".~") and whole  # hidden from the reader, old file intact until the rename

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(submissions.os, "replace", broken)
    with pytest.raises(OSError):
        store.upload(config, JUNE, JINGFA, MAIN, main_book(root / "up" / "2.xlsx", 6, 1.0), "2.xlsx", NOW)
    assert june_file(root).read_bytes() == new
    assert [p.name for p in june_file(root).parent.iterdir() if p.name.startswith(".")] == []


# ---- what a department owes, readiness, 有更新 -----------------------------------------------------------------


def test_department_sees_its_files_deadline_and_last_month(zone):
    config, store, _ = zone
    page = owed(config, store, JUNE, "经发局", NOW)
    assert [f.status.file for f in page.files] == [MAIN, "重点项目.xlsx"]
    # 5th working day of July 2024 at 08:30 (the schedule's job); Tue 2 → Fri 5: four working days.
    assert page.deadline.due.isoformat() == "2024-07-05T08:30:00+08:00"
    assert page.deadline.cutoff - page.deadline.due == timedelta(hours=48)
    assert page.deadline.text() == "截止 2024年07月05日 08:30（还剩 4 个工作日）"
    assert [f.text() for f in page.files[0].last_month][
        0
    ] == "固定资产投资 1-5月累计 91.71 亿元 ← 主要指标.xlsx › 指标 › C4"
    late = deadline(config, JUNE, datetime(2024, 7, 5, 1, 0, tzinfo=UTC))
    assert late.overdue and late.text().endswith("（已逾期）")
    portal = config.model_copy(
        update={"portal": config.portal.model_copy(update={"deadline_workday": 3, "deadline_time": "17:00"})}
    )
    assert deadline(portal, JUNE, NOW).due.isoformat() == "2024-07-03T17:00:00+08:00"


def test_upload_after_the_report_marks_the_period_updated(zone):
    """有更新: a file in data/<period>/ differs from what the report's manifest says it read."""
    from reportgen.render.outputs import sha256

    config, store, root = zone
    out = root / "output" / str(JUNE)
    out.mkdir(parents=True)
    folder = june_file(root).parent
    inputs = [{"path": f"{JUNE}/{p.name}", "sha256": sha256(p)} for p in folder.iterdir()]
    manifest = {"generated_at": "2024-07-05T09:00:00+08:00", "inputs": inputs}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert not updates_since_report(config, store, JUNE).any
    content = main_book(root / "up" / "1.xlsx", 6, 112.5)
    store.upload(config, JUNE, JINGFA, MAIN, content, "1.xlsx", datetime(2024, 7, 6, tzinfo=UTC))
    updates = updates_since_report(config, store, JUNE)
    assert updates.any and updates.files == [MAIN]
    assert updates.generated_at.isoformat() == "2024-07-05T09:00:00+08:00"


# ---- the staff CLI -------------------------------------------------------------------------------------------


def test_cli_submit_status_return_and_confirm(zone, capsys):
    config, _, root = zone
    cfg = str(root / "config.yaml")
    main_book(root / "up" / "主要指标.xlsx", 6, 80.0)
    assert (
        main(
            [
                "submit",
                "-c",
                cfg,
                "-p",
                "2024-06",
                "-d",
                "经发局",
                "--user",
                "张三",
                str(root / "up" / "主要指标.xlsx"),
            ]
        )
        == 1
    )
    out = capsys.readouterr()
    assert "固定资产投资 1-6月累计 80.00 亿元 ← 主要指标.xlsx › 指标 › C4（上月：91.71 亿元）" in out.out
    assert "警告 1［lower:fai］" in out.out and "accept 1 --explain '1=说明'" in out.err
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "accept", "1", "--explain", "1=核减"]) == 0
    assert main(["submissions", "-c", cfg, "-p", "2024-06"]) == 0
    table = capsys.readouterr().out
    assert "主要指标.xlsx（经发局）：已报，版本 #1" in table and "招商引资.xls（招商局）：未报" in table
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "退回", MAIN, "-r", "请补上年同期"]) == 0
    assert "【退回】" in capsys.readouterr().out
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "-d", "经发局"]) == 0
    page = capsys.readouterr().out
    assert "主要指标.xlsx：退回（请补上年同期）" in page and "上月 固定资产投资 1-5月累计 91.71 亿元" in page
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "确认", "重点项目.xlsx"]) == 0
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "versions", MAIN]) == 0
    assert "说明［lower:fai］：核减" in capsys.readouterr().out


def test_cli_user_mistakes_are_one_line_without_traceback(zone, capsys):
    _, _, root = zone
    cfg = str(root / "config.yaml")
    (root / "up").mkdir()
    (root / "up" / "主要指标.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    assert (
        main(["submit", "-c", cfg, "-p", "2024-06", "-d", "经发局", str(root / "up" / "主要指标.xlsx")]) == 1
    )
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "PDF" in err and "Traceback" not in err
    main_book(root / "up" / "a.xlsx", 6, 1.0)
    assert (
        main(
            [
                "submit",
                "-c",
                cfg,
                "-p",
                "2024-06",
                "-d",
                "招商局",
                "--file",
                MAIN,
                str(root / "up" / "a.xlsx"),
            ]
        )
        == 1
    )
    assert capsys.readouterr().err.strip() == "错误：无权操作 主要指标.xlsx：该文件由经发局报送"
    assert main(["submissions", "-c", cfg, "-p", "2024-06", "确认", "招商引资.xls"]) == 1
    assert "尚未报送" in capsys.readouterr().err
