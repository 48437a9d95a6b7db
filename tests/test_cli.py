"""The CLI end to end on a small real project: exit codes, messages, and the cells of the workbook it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reportgen.cli import build_parser, main

CONFIG = """
zone: 测试经开区
year: 2024
departments: [经发局, 招商局]
indicators:
  - {id: fai, name: 固定资产投资, unit: 亿元, kind: cumulative, target: 152, stretch: 170, owner: 经发局, group: 项目仗,
     source: {file: 主要指标.xlsx, sheet: 指标, row: 固定资产投资, column: "1-{month}月累计"},
     last_year: {column: 上年同期}}
  - {id: fdi, name: 实到外资, unit: 万美元, kind: cumulative, target: 8000, stretch: 10000, owner: 招商局, group: 招商仗,
     source: {file: 主要指标.xlsx, sheet: 指标, row: 实到外资, column: "1-{month}月累计"}}
  - {id: starts, name: 新开工项目, unit: 个, kind: count, target: 3, owner: 经发局, group: 项目仗,
     source: {ledger: projects, count_where: {started: true}}}
ledgers:
  projects:
    file: 重点项目.xlsx
    columns: {name: 项目名称, owner: 责任单位, annual_plan: 年度计划投资, completed: "1-{month}月完成投资",
              planned_start: 计划开工时间, actual_start: 实际开工时间, issues: 存在问题}
"""


def make_project(root: Path, month: int = 9, fai="115.3", fdi: object = 5000) -> Path:
    folder = root / "data" / f"2024-{month:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append([f"测试经开区2024年1-{month}月主要指标"])
    ws.append(["单位：亿元"])
    ws.append(["指标名称", "全年目标", f"1-{month}月累计", "上年同期"])
    ws.append(["固定资产投资", 152, fai, 100])
    ws.append(["实到外资（万美元）", 8000, fdi, None])
    wb.save(folder / "主要指标.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "序号",
            "项目名称",
            "责任单位",
            "年度计划投资（万元）",
            f"1-{month}月完成投资（万元）",
            "计划开工时间",
            "实际开工时间",
            "存在问题",
        ]
    )
    ws.append([1, '=HYPERLINK("http://x")项目', "经发局", 20000, 15000, "2024.3", "2024年3月", "@用地未落实"])
    ws.append([2, "乙项目", "经发局", 10000, 2000, "2024年5月", "—", "-资金缺口"])
    ws.append([3, "丙项目", "招商局", 5000, 5000, "3月底", "已开工", ""])
    ws["B2"].data_type = "s"  # typed as text by the department, not a formula
    wb.save(folder / "重点项目.xlsx")
    config = root / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config


def rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def test_run_writes_workbook_results_and_manifest(tmp_path, capsys):
    config = make_project(tmp_path)
    assert main(["run", "--config", str(config), "--period", "2024-09"]) == 0
    out = capsys.readouterr()
    folder = tmp_path / "output" / "2024-09"
    workbook = folder / "测试经开区2024年1-9月重点指标完成情况.xlsx"
    assert (
        str(folder) in out.out
        and "读取" in out.err
        and "纳入进度考核的3项指标中，1项达到前三季度序时进度要求，2项未达到" in out.err
    )
    sheet = openpyxl.load_workbook(workbook)["指标完成情况"]
    header = [c.value for c in sheet[3]]
    fai = [c for c in sheet[4]]
    values = dict(zip(header, [c.value for c in fai]))
    assert values["指标名称"] == "固定资产投资" and values["1-9月完成"] == pytest.approx(115.3)
    assert values["完成率"] == 0.759  # stored as shown: 75.9% (half-up), not 0.75855…
    assert values["序时进度"] == pytest.approx(0.75)
    assert values["差距（百分点）"] == 0.9  # (115.3 / 152 − 0.75) × 100 = 0.855…, stored as shown
    assert values["进度评价"] == "超序时进度0.9个百分点"
    assert values["同比"] == pytest.approx(0.153)
    assert values["状态"] == "绿灯"
    cells = dict(zip(header, fai))
    assert cells["完成率"].number_format == "0.0%"
    assert cells["1-9月完成"].number_format == "0.00"
    assert cells["状态"].fill.fgColor.rgb.endswith("C6EFCE")
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:")
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"
    # 21 columns do not fit A4 at 8 pt: A3, at a scale that keeps 8 pt, the key columns on every block
    assert int(sheet.page_setup.paperSize) == 8 and sheet.page_setup.scale >= 73
    assert sheet.print_title_cols == "$A:$C"
    assert sheet.column_dimensions["C"].width >= 14  # 固定资产投资 is 6 CJK characters
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["indicators"][0]["completion"] == pytest.approx(115.3 / 152)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {i["path"] for i in manifest["inputs"]} == {"2024-09/主要指标.xlsx", "2024-09/重点项目.xlsx"}
    assert len(manifest["config"]["sha256"]) == 64 and manifest["reportgen_version"]


def test_text_from_inputs_is_never_a_formula(tmp_path):
    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    path = next((tmp_path / "output" / "2024-09").glob("*.xlsx"))
    sheet = openpyxl.load_workbook(path)["重点项目"]
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "@", "-"))]
    assert {c.value for c in risky} >= {'=HYPERLINK("http://x")项目', "@用地未落实", "-资金缺口"}
    assert all(c.data_type == "s" for c in risky)


def test_bad_value_is_reported_with_its_cell_and_run_goes_on(tmp_path, capsys):
    config = make_project(tmp_path, fdi="5,00x0")
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    err = capsys.readouterr().err
    assert "2024-09/主要指标.xlsx › 指标 › C5：“5,00x0”不是数字（指标：实到外资）" in err
    path = next((tmp_path / "output" / "2024-09").glob("*.xlsx"))
    fdi = rows(path, "指标完成情况")[4]
    assert "未报送" in fdi and None in fdi  # shown as not reported, never as 0
    problems = rows(path, "数据问题")
    assert any("C5" in str(r[1]) for r in problems[3:])


def test_strict_run_fails_and_keeps_previous_output(tmp_path, capsys):
    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    folder = tmp_path / "output" / "2024-09"
    before = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    make_project(tmp_path, fai="坏数据")
    assert main(["run", "-c", str(config), "-p", "2024-09", "--strict"]) == 1
    assert "C4：“坏数据”不是数字" in capsys.readouterr().err
    assert {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_failed_write_leaves_previous_output(tmp_path, monkeypatch):
    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    folder = tmp_path / "output" / "2024-09"
    before = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reportgen.render.outputs.write_json", broken)
    assert main(["run", "-c", str(config), "-p", "2024-09", "--force"]) == 1
    assert {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    "error, reason",
    [
        (OSError(28, "No space left on device"), "磁盘空间不足（No space left on device）"),
        (PermissionError(13, "Permission denied"), "没有权限（Permission denied）"),
    ],
)
def test_write_errors_name_the_output_path_in_one_line(tmp_path, monkeypatch, capsys, error, reason):
    """write() failing on a full disk names no file: the error says which output it was writing."""
    config = make_project(tmp_path)

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("reportgen.render.outputs.write_json", broken)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("错误")]
    assert errors == [f"错误：{tmp_path / 'output' / '2024-09'}：{reason}"]


def test_output_folder_that_cannot_be_made_is_named(tmp_path, capsys):
    config = make_project(tmp_path)
    (tmp_path / "output").write_text("a file where the output folder should be", encoding="utf-8")
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 1
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("错误")]
    assert line.startswith(f"错误：{tmp_path / 'output'}")
    assert "Traceback" not in line and ("已有同名文件" in line or "不是文件夹" in line)


def test_missing_file_is_named(tmp_path, capsys):
    config = make_project(tmp_path)
    (tmp_path / "data" / "2024-09" / "重点项目.xlsx").unlink()
    assert main(["validate", "-c", str(config), "-p", "2024-09"]) == 1
    err = capsys.readouterr().err
    assert "2024-09/重点项目.xlsx：文件不存在" in err


def test_validate_ok_writes_nothing(tmp_path, capsys):
    config = make_project(tmp_path)
    assert main(["validate", "-c", str(config), "-p", "2024-09"]) == 0
    assert "配置有效" in capsys.readouterr().out
    assert not (tmp_path / "output").exists()


def test_config_errors_one_line_each_and_no_traceback(tmp_path):
    config = make_project(tmp_path)
    text = (
        config.read_text(encoding="utf-8")
        .replace("owner: 招商局", "owner: 商务局")
        .replace("stretch: 170", "stretch: 100")
        .replace("group: 项目仗,\n", "group: 项目仗, colour: red,\n", 1)
    )
    config.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "-c", str(config), "-p", "2024-09"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr
    assert any("indicators[1].owner" in line and "商务局" in line for line in lines)
    assert any("indicators[0]" in line and "不能低于确保目标" in line for line in lines)
    assert any("indicators[0].colour" in line and "未知的配置项" in line for line in lines)
    assert all(line.startswith("错误：") for line in lines)


def test_debug_shows_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "reportgen",
            "--debug",
            "run",
            "-c",
            str(tmp_path / "none.yaml"),
            "-p",
            "2024-09",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_bad_period_and_wrong_year(tmp_path, capsys):
    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-13"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err
    assert main(["run", "-c", str(config), "-p", "2023-09"]) == 1
    assert "不在配置的年度 2024" in capsys.readouterr().err


def test_every_command_has_help():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) >= {"run", "validate", "init"}
    for name in commands:
        proc = subprocess.run(
            [sys.executable, "-m", "reportgen", name, "--help"], capture_output=True, text=True
        )
        assert proc.returncode == 0 and "usage" in proc.stdout


def test_init_writes_a_project_that_runs(tmp_path, capsys):
    target = tmp_path / "zone"
    assert main(["init", str(target)]) == 0
    assert (target / "config.yaml").is_file() and (target / "templates" / "指标完成情况模板.xlsx").is_file()
    assert main(["init", str(target)]) == 1  # never overwrites without --force
    assert main(["run", "-c", str(target / "config.yaml"), "-p", "2024-06"]) == 0
    assert list((target / "output" / "2024-06").glob("*.xlsx"))


def test_department_aliases_and_unknown_owners(tmp_path, capsys):
    config = make_project(tmp_path)
    text = config.read_text(encoding="utf-8").replace(
        "departments: [经发局, 招商局]", "departments: [{name: 经发局, aliases: [经济发展局]}, 招商局]"
    )
    config.write_text(
        text.replace("owner: 招商局, group: 招商仗", "owner: 经济发展局, group: 招商仗"), encoding="utf-8"
    )
    ledger = tmp_path / "data" / "2024-09" / "重点项目.xlsx"
    wb = openpyxl.load_workbook(ledger)
    wb.active["C3"] = "经济发展局"
    wb.active["C4"] = "商务局"
    wb.save(ledger)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    assert "重点项目.xlsx › Sheet › C4：责任单位“商务局”不在配置的 departments 中" in capsys.readouterr().err
    results = json.loads((tmp_path / "output" / "2024-09" / "results.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in results["departments"] if d["indicators"]] == ["经发局"]
    assert results["indicators"][1]["owner"] == "经发局"
    by_owner = {g["name"]: g["projects"] for g in results["ledgers"][0]["by_department"]}
    assert by_owner == {"经发局": 2, "商务局": 1}


def test_unchanged_inputs_skip_and_any_change_or_force_regenerates(tmp_path, capsys):
    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    folder = tmp_path / "output" / "2024-09"
    stamp = (folder / "manifest.json").read_bytes()
    capsys.readouterr()
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    assert "输入未变化，未重新生成" in capsys.readouterr().out
    assert (folder / "manifest.json").read_bytes() == stamp
    # --force regenerates: the clock is injected, so two runs within one second still differ
    from datetime import datetime

    from reportgen.config import load_config
    from reportgen.period import Period
    from reportgen.pipeline import run

    later = datetime(2024, 10, 9, 9, 30).astimezone()
    assert not run(load_config(config), Period(2024, 9), now=later, force=True).skipped
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generated_at"] == later.isoformat(timespec="seconds")
    assert (folder / "manifest.json").read_bytes() != stamp
    stamp = (folder / "manifest.json").read_bytes()
    book = tmp_path / "data" / "2024-09" / "主要指标.xlsx"  # a department corrects its figure
    wb = openpyxl.load_workbook(book)
    wb.active["C4"] = 116.0
    wb.save(book)
    capsys.readouterr()
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    assert "输入未变化" not in capsys.readouterr().out
    assert (folder / "manifest.json").read_bytes() != stamp
    (folder / "results.json").unlink()  # an output deleted by hand
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    assert (folder / "results.json").is_file()


def test_validate_accounts_for_the_rows_as_run_does(tmp_path, capsys):
    from reportgen.samples import write_sample_project

    write_sample_project(tmp_path)
    assert main(["validate", "--config", str(tmp_path / "config.yaml"), "--period", "2024-09"]) == 0
    out, err = capsys.readouterr()
    assert "读取情况：" in err
    # every value the run will use, with its cell, so that staff can check by eye
    assert (
        "读到的数值（运行时按此计算）：\n  固定资产投资 160.6亿元 ← 2024-09/主要经济指标.xlsx › 主要指标 › E6"
        in out
    )
    assert "  实到外资 6150万美元 ← 2024-09/招商引资完成情况.xls › 招商引资 › E4" in out
    assert (
        "重点项目进度表.xlsx › 重点项目：120 个项目，3 个分类行，4 个小计/合计行，2 个表尾/说明行，0 个无法识别"
        in err
    )


def test_a_cli_run_can_be_compared_with_the_previous_run_of_the_period(tmp_path):
    """Every run keeps the period's results (not only the console's), so the console's diff against the
    previous run works for runs of the CLI and the scheduler too."""
    from reportgen.config import load_config
    from reportgen.diff import compare, current_inputs, previous_run
    from reportgen.history import state_folder

    config = make_project(tmp_path)
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    make_project(tmp_path, fai="120.5")  # the department sent a corrected figure
    assert main(["run", "-c", str(config), "-p", "2024-09"]) == 0
    loaded = load_config(config)
    output = loaded.resolve(loaded.output.dir)
    before = previous_run(state_folder(loaded), output, "2024-09")
    assert before is not None
    now = json.loads((output / "2024-09" / "results.json").read_text(encoding="utf-8"))
    diff = compare(
        before["results"], now, old_inputs=before["inputs"], new_inputs=current_inputs(output, "2024-09")
    )
    [change] = [c for c in diff.figures if c.id == "fai"]
    assert (change.old, change.new) == (115.3, 120.5)
    assert ("主要指标.xlsx", "内容有变化") in [(i.file, i.change) for i in diff.inputs]
