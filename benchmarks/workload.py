"""Deterministic benchmark workloads: a zone with N indicators of every kind, M ledger projects,
D departments and twelve months of submitted workbooks in the messy shapes of real submissions
(merged titles, two-row headers, units in headers, numbers typed as text, 合计 rows, footers, GBK CSV,
category band rows, 责任单位 merged down).

    python -m benchmarks.workload M /tmp/zone-M

Sizes: S is the demo project itself; M and L are generated here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import sys
from pathlib import Path

SIZES = {"M": (150, 2_000, 20), "L": (500, 20_000, 60)}
YEAR = 2024
SEED = 20241
BASE_DEPTS = [
    "经发局",
    "招商局",
    "财政局",
    "建设局",
    "科创局",
    "应急局",
    "商务局",
    "生态局",
    "人社局",
    "市场局",
    "统计局",
    "规划局",
    "国土局",
    "交通局",
    "水务局",
    "农业局",
    "文旅局",
    "教育局",
    "卫健局",
    "城管局",
]
KINDS = ["cumulative"] * 10 + ["count"] * 4 + ["growth"] * 2 + ["share", "cap", "milestone"]
CATEGORIES = ["产业项目", "基础设施", "社会民生"]
NATURES = ["新开工"] * 5 + ["续建"] * 3 + ["竣工", "前期"]
VERSION = "2"  # bump when the generated files change: cached workloads are rebuilt


def departments(count: int) -> list[str]:
    return [BASE_DEPTS[i] if i < len(BASE_DEPTS) else f"第{i + 1}工作专班" for i in range(count)]


def plan(n_indicators: int, n_projects: int, n_departments: int):
    rng = random.Random(SEED + n_indicators)
    depts = departments(n_departments)
    indicators = []
    for i in range(n_indicators):
        kind = KINDS[i % len(KINDS)]
        dept = depts[i % n_departments]
        target = round(rng.uniform(10, 500), 1) if kind == "cumulative" else rng.randint(10, 200)
        pace = rng.uniform(0.7, 1.25)  # how well this indicator is going
        indicators.append(
            dict(
                id=f"i{i:04d}",
                name=f"{dept}指标{i:04d}",
                kind=kind,
                dept=dept,
                target=target,
                pace=pace,
                csv=(i % n_departments) % 6 == 5,
            )
        )
    projects = []
    for p in range(n_projects):
        owner = depts[(p // 7) % n_departments]  # runs of one owner: merged 责任单位 cells
        category = CATEGORIES[(p * 3 // max(n_projects, 1)) % 3]
        planned = rng.randint(1, 12)
        projects.append(
            dict(
                name=f"重点项目{p:05d}",
                owner=owner,
                category=category,
                nature=rng.choice(NATURES),
                total=round(rng.uniform(5_000, 500_000), 1),
                plan=round(rng.uniform(1_000, 50_000), 1),
                planned=planned,
                delay=rng.choice([0, 0, 0, 1, 2, 4]),
                pace=rng.uniform(0.5, 1.3),
            )
        )
    projects.sort(key=lambda p: CATEGORIES.index(p["category"]))
    return depts, indicators, projects


def config_text(zone: str, depts, indicators) -> str:
    lines = [f"zone: {zone}", f"year: {YEAR}", "data:", "  dir: data", "departments:"]
    lines += [f"  - {{name: {d}, email: [d{i:02d}@example.gov.cn]}}" for i, d in enumerate(depts)]
    lines += ["indicators:"]
    for ind in indicators:
        file = f"{ind['dept']}指标报表." + ("csv" if ind["csv"] else "xlsx")
        head = f"  - {{id: {ind['id']}, name: {ind['name']}, owner: {ind['dept']}, "
        if ind["kind"] == "cumulative":
            lines.append(
                head + f"kind: cumulative, unit: 亿元, target: {ind['target']}, source: {{file: {file}, "
                f'row: {ind["name"]}, column: "完成情况/1-{{month}}月累计"}}, last_year: {{column: 上年同期}}}}'
            )
        elif ind["kind"] == "count":
            lines.append(
                head + f"kind: count, target: {ind['target']}, source: {{file: {file}, row: {ind['name']}, "
                f'column: "完成情况/1-{{month}}月累计"}}}}'
            )
        elif ind["kind"] == "growth":
            lines.append(
                head
                + f"kind: growth, target: 8, source: {{file: {file}, row: {ind['name']}, column: 同比增长}}}}"
            )
        elif ind["kind"] == "share":
            lines.append(
                head + f"kind: share, base: 40, target: 2, source: {{file: {file}, row: {ind['name']}, "
                f'column: "完成情况/1-{{month}}月累计"}}}}'
            )
        elif ind["kind"] == "cap":
            lines.append(
                head + f"kind: cap, unit: 起, target: 5, source: {{file: {file}, row: {ind['name']}, "
                f'column: "完成情况/1-{{month}}月累计"}}}}'
            )
        else:
            nodes = ", ".join(
                f"{{name: {ind['name']}节点{k}, due: {due}}}" for k, due in enumerate((3, 6, 9, 12), 1)
            )
            lines.append(
                head + f"kind: milestone, source: {{file: {ind['dept']}重点工作.xlsx, sheet: 重点工作, "
                f"label_column: 节点任务, column: 完成情况}}, milestones: [{nodes}]}}"
            )
    lines += [
        "ledgers:",
        "  projects:",
        "    file: 重点项目进度表.xlsx",
        "    owner: 经发局",
        "    unit: 万元",
        "    columns: {name: 项目名称, owner: 责任单位, category: 项目类别, nature: 建设性质, total_investment: 总投资,",
        '              annual_plan: 年度计划投资, completed: "投资完成/1-{month}月累计完成", planned_start: 计划开工时间,',
        "              actual_start: 实际开工时间, progress: 形象进度, issues: 存在问题}",
        "output:",
        "  dir: output",
        "  word: {key_indicators: [i0000, i0001, i0002]}",
    ]
    return "\n".join(lines) + "\n"


def indicator_rows(indicators, month: int, rng: random.Random) -> list[list]:
    rows = []
    for n, ind in enumerate(indicators, 1):
        done = ind["target"] * month / 12 * ind["pace"]
        if ind["kind"] == "growth":
            cumulative, growth = done, f"{(ind['pace'] - 1) * 40 + 8:.1f}%"
        elif ind["kind"] == "share":
            cumulative, growth = round(40 + ind["pace"] * 2, 1), ""
        elif ind["kind"] == "cap":
            cumulative, growth = round(5 * ind["pace"] * month / 12), ""
        elif ind["kind"] == "count":
            cumulative, growth = round(done), ""
        else:
            cumulative, growth = (
                round(done * 10_000, 1),
                f"{(ind['pace'] - 1) * 30:.1f}%",
            )  # 万元 in the table
        shown = f"{cumulative:,}" if n % 5 == 0 else cumulative  # typed as text
        if rng.random() < 0.004:
            shown = "—"  # not reported
        unit = {"cumulative": "万元", "count": "个", "growth": "万元", "share": "%", "cap": "起"}.get(
            ind["kind"], ""
        )
        last = round(cumulative / 1.08, 1) if isinstance(cumulative, (int, float)) else None
        rows.append(
            [
                n,
                f"　{ind['name']}" if n % 7 == 0 else ind["name"],
                unit,
                ind["target"],
                round(cumulative / month, 1) if isinstance(cumulative, (int, float)) else None,
                shown,
                last,
                growth,
            ]
        )
    return rows


def write_department(
    folder: Path, dept: str, indicators, month: int, rng: random.Random, as_csv: bool
) -> None:
    title = f"示范区{dept}{YEAR}年1-{month}月重点指标完成情况"
    header1 = ["序号", "指标名称", "计量单位", "全年目标", "完成情况", None, "上年同期", "同比增长"]
    header2 = [None, None, None, None, "本月", f"1-{month}月累计", None, None]
    body = indicator_rows([i for i in indicators if i["kind"] != "milestone"], month, rng)
    footer = [
        ["合计", None, None, None, None, None, None, None],
        ["填报人：张某某　审核人：李某某　联系电话：0000-1234567"],
    ]
    if as_csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([title])
        writer.writerow(["完成情况" if c == "完成情况" else c for c in header1])
        writer.writerow([c if c else "" for c in header2])
        for row in body + footer:
            writer.writerow(["" if c is None else c for c in row])
        (folder / f"{dept}指标报表.csv").write_bytes(out.getvalue().encode("gb18030"))
        return
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append([title])
    ws.append([f"（截至{YEAR}年{month}月底）"])
    ws.append(header1)
    ws.append(header2)
    for cols in ("A1:H1", "A2:H2", "E3:F3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "G3:G4", "H3:H4"):
        ws.merge_cells(cols)
    for row in body + footer:
        ws.append(row)
    wb.save(folder / f"{dept}指标报表.xlsx")


def write_tasks(folder: Path, dept: str, indicators, month: int) -> None:
    from openpyxl import Workbook

    tasks = [i for i in indicators if i["kind"] == "milestone"]
    if tasks:
        wb = Workbook()
        sheet = wb.active
        sheet.title = "重点工作"
        sheet.append(["序号", "节点任务", "计划完成时间", "完成情况"])
        for ind in tasks:
            for k, due in enumerate((3, 6, 9, 12), 1):
                done = due <= month and ind["pace"] > 0.8 + 0.1 * k
                sheet.append([k, f"{ind['name']}节点{k}", f"{due}月", "已完成" if done else ""])
        wb.save(folder / f"{dept}重点工作.xlsx")


def write_ledger(folder: Path, projects, month: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("重点项目")
    ws.append([f"示范区{YEAR}年重点项目推进情况表（1-{month}月）"])
    ws.append(["单位：万元"])
    ws.append(
        [
            "序号",
            "项目名称",
            "责任单位",
            "项目类别",
            "建设性质",
            "总投资",
            "年度计划投资",
            "投资完成",
            None,
            "计划开工时间",
            "实际开工时间",
            "形象进度",
            "存在问题",
        ]
    )
    ws.append([None] * 7 + [f"1-{month}月累计完成", "完成率"] + [None] * 4)
    for cells in ("A1:M1", "H3:I3"):
        ws.merged_cells.add(cells) if hasattr(ws.merged_cells, "add") else None
    category, n = None, 0
    for p in projects:
        if p["category"] != category:
            category = p["category"]
            count = sum(1 for q in projects if q["category"] == category)
            ws.append([f"{'一二三'[CATEGORIES.index(category)]}、{category}（{count}个）"])
        n += 1
        started = p["nature"] in ("续建", "竣工") or (
            p["nature"] == "新开工" and p["planned"] + p["delay"] <= month
        )
        done = round(p["plan"] * min(1.0, month / 12 * p["pace"]), 1)
        ws.append(
            [
                n,
                p["name"],
                p["owner"],
                p["category"],
                p["nature"],
                p["total"],
                p["plan"],
                f"{done:,}" if n % 9 == 0 else done,
                f"{done / p['plan']:.1%}",
                f"{YEAR}年{p['planned']}月",
                "已开工" if started else "",
                "主体施工" if started else "前期手续",
                "用地指标待落实" if not started and p["planned"] <= month else "",
            ]
        )
    ws.append(["合计"])
    ws.append(["填报单位（盖章）：经发局　　填报人：王某某"])
    wb.save(folder / "重点项目进度表.xlsx")


def generate(size: str, root: Path) -> Path:
    """Write the workload for `size` into `root` (reused when already there for this VERSION); returns config."""
    n_ind, n_proj, n_dept = SIZES[size]
    stamp = hashlib.sha256(f"{VERSION}|{size}|{SIZES[size]}".encode()).hexdigest()[:12]
    config = root / "config.yaml"
    if (root / ".workload").is_file() and (root / ".workload").read_text() == stamp and config.is_file():
        return config
    depts, indicators, projects = plan(n_ind, n_proj, n_dept)
    root.mkdir(parents=True, exist_ok=True)
    config.write_text(config_text(f"基准测试{size}区", depts, indicators), encoding="utf-8")
    for month in range(1, 13):
        folder = root / "data" / f"{YEAR}-{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        rng = random.Random(SEED * 100 + month)
        for dept in depts:
            mine = [i for i in indicators if i["dept"] == dept]
            write_department(folder, dept, mine, month, rng, as_csv=any(i["csv"] for i in mine))
            write_tasks(folder, dept, mine, month)
        write_ledger(folder, projects, month)
    (root / ".workload").write_text(stamp)
    return config


if __name__ == "__main__":
    print(generate(sys.argv[1], Path(sys.argv[2])))
