#!/usr/bin/env python3
"""Generate the embedded demo: 示范经济技术开发区, 2024, months 1–9, plus the sample config.

    python scripts/make_samples.py        (deterministic: fixed seed, fixed file timestamps)

Writes reportgen/samples/data/2024-01 … 2024-09/ (the same seven files every month),
reportgen/samples/config.yaml and config/example.yaml (one template; only data.dir and output.dir differ).

Messy shapes on purpose (DESIGN.md §6), spread over the files:
  主要经济指标.xlsx    hidden FIRST sheet 上年数据 with the same row labels (sheet omitted in config → must skip it);
                      merged title + subtitle（截至…）; "单位：亿元" in its own cell; two-row header 完成情况/本月|1-N月累计;
                      header "上年同期 " with a trailing space; hidden column 上年全年; "　　其中：工业投资" indented with
                      full-width spaces; 服务业占比 stored as a fraction formatted 0.0% (percent_as_fraction); "12.6%" as text.
  财政收入.xlsx        万元 inside headers "（万元）"; numbers typed as text "162,350.0"; 2nd sheet 争取上级资金 with a
                      "单位：万元" line, label column 资金类别 and a 合计 row at the bottom.
  招商引资完成情况.xls   real BIFF .xls (xlwt); 计量单位 column per row (万美元/亿元/个); 填报单位 line; footer.
  科技创新指标.csv      GBK; title and "单位：万元" lines; "129,000"; stray spaces; full-width digits; "53.1%".
  安全生产与节能.xlsx   two sheets; line breaks in headers ("年度控制\\n目标"); quarterly-only rows with "/".
  重点项目进度表.xlsx   "单位：万元" line; header 投资情况 over 总投资|年度计划投资|1-N月累计完成; column-number row
                      (… 10=9/8); 合计 row on top; bands "一、产业项目（70个）" + 小计 rows; 责任单位 merged down, using
                      aliases (经济发展局, 规划建设局, 科技创新局, 应急管理局); hidden column 入库编码; hidden sheet 下拉选项;
                      dates as Excel dates, "2024.3", "2024年3月", "3月底", "2024-04", "已开工"/"未开工"; "/" "—".
  重点工作推进表.xlsx   重点工作/责任单位 merged down; 完成情况 as 已完成 / √ / a completion date / 推进中 / 未完成.
  January files say "1-1月累计" so the config's "1-{month}月累计" matches every month.

Deliberate data quirks (all parseable in 2024-06 and 2024-09; the unparseable ones are in 2024-04 only):
  2024-02  招商引资：签约亿元以上项目 left as "/" (not reported — never zero).
  2024-03  科技创新：技术合同成交额 "—" (not reported).
  2024-04  主要经济指标：规上工业总产值 1-4月累计 "待核实" (unparseable → error report);
           重点项目：one 新开工 project's 计划开工时间 "待定" (unparseable ledger date).
  2024-05  财政收入：一般公共预算收入 typed "12 8,838.0" (a space inside the number).
  2024-06  科技创新：新增科技型中小企业 in full-width digits "８８"; 研发经费投入 " 129,000 " with spaces.
  2024-08  安全生产：本月死亡人数 1 (a breach of the 0 cap, carried into 1-9月).
  2024-09  招商引资：实到外资 typed "6150万" in the 万美元 column (= 6150 万美元);
           争取上级资金：合计 typed "6.05亿" in the 万元 sheet (= 60500 万元).
"""

from __future__ import annotations

import csv
import io
import random
import sys
import zipfile
from datetime import datetime
from itertools import groupby
from pathlib import Path

import xlwt
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "reportgen" / "samples"
sys.path.insert(0, str(ROOT))
from reportgen.render.excel import build_default_template  # noqa: E402
from reportgen.render.outputs import fixed_zip_times  # noqa: E402
from reportgen.render.word_template import build_default_template as build_word_template  # noqa: E402
from reportgen.samples import EXCEL_TEMPLATE, WORD_TEMPLATE  # noqa: E402

ZONE, YEAR, MONTHS = "示范经济技术开发区", 2024, range(1, 10)
FIXED = datetime(2024, 10, 8, 9, 0, 0)
rng = random.Random(20240630)

# Cumulative share of the year by month: slow January–February (Spring Festival), steady afterwards.
CURVE = [0.05, 0.11, 0.235, 0.32, 0.41, 0.50, 0.585, 0.67, 0.76, 0.84, 0.92, 1.0]


def cumulative(v6, v9, digits=2, jitter=0.02):
    """1–N月 cumulative values for months 1–9 that hit v6 in June and v9 in September exactly."""
    out = []
    for m in MONTHS:
        if m <= 6:
            v = v6 * CURVE[m - 1] / CURVE[5]
        else:
            v = v6 + (v9 - v6) * (CURVE[m - 1] - CURVE[5]) / (CURVE[8] - CURVE[5])
        if m not in (6, 9):
            v *= 1 + rng.uniform(-jitter, jitter)
        out.append(round(v, digits) if digits else round(v))
    assert all(a < b for a, b in zip(out, out[1:])), out
    return out


def previous_year(values, g6, g9, digits=2):
    """Last year's 1–N月 values such that 同比 is g6 % in June and g9 % in September."""
    out = []
    for m, v in zip(MONTHS, values):
        if m <= 6:
            g = g6 + (6 - m) * rng.uniform(-0.6, 0.6)
        else:
            g = g6 + (g9 - g6) * (m - 6) / 3 + (rng.uniform(-0.4, 0.4) if m < 9 else 0)
        out.append(round(v / (1 + g / 100), digits) if digits else round(v / (1 + g / 100)))
    assert all(a < b for a, b in zip(out, out[1:])), out
    return out


# id: (June, September, 同比 June %, 同比 September %, decimals) in the unit the file is written in.
AMOUNTS = {
    "fai": (112.40, 160.60, 13.08, 12.4, 2),  # 亿元
    "industrial_investment": (41.20, 61.90, 15.2, 14.1, 2),  # 亿元
    "industrial_output": (336.80, 498.30, 9.6, 9.1, 2),  # 亿元
    "retail_sales": (61.02, 91.40, 7.8, 7.2, 2),  # 亿元
    "trade": (36.90, 60.30, -3.2, 1.5, 2),  # 亿元
    "fdi": (3620, 6150, 8.5, 11.2, 0),  # 万美元
    "domestic_capital": (86.50, 124.80, 10.3, 9.8, 2),  # 亿元
    "budget_revenue": (162350.0, 231000.0, 6.8, 7.1, 1),  # 万元
    "tax_revenue": (130200.0, 189500.0, 10.4, 9.6, 1),  # 万元
    "fund_revenue": (71000.0, 124000.0, -18.5, -12.3, 1),  # 万元
    "superior_funds": (43150.0, 60500.0, 0.0, 0.0, 1),  # 万元
    "rd_spending": (129000, 192000, 12.0, 12.5, 0),  # 万元
    "tech_contracts": (81000, 117000, 15.0, 14.0, 0),  # 万元
}
V, LY = {}, {}
for _id, (_v6, _v9, _g6, _g9, _d) in AMOUNTS.items():
    V[_id] = cumulative(_v6, _v9, _d)
    LY[_id] = previous_year(V[_id], _g6, _g9, _d)
assert all(t < b for t, b in zip(V["tax_revenue"], V["budget_revenue"]))


def count_path(v6, v9):
    out = [
        round(v6 * CURVE[m - 1] / CURVE[5])
        if m <= 6
        else round(v6 + (v9 - v6) * (CURVE[m - 1] - CURVE[5]) / (CURVE[8] - CURVE[5]))
        for m in MONTHS
    ]
    assert all(a <= b for a, b in zip(out, out[1:])), out
    return out


for _id, (_v6, _v9) in {
    "signed_projects": (12, 17),
    "tech_smes": (88, 121),
    "invention_patents": (104, 152),
    "new_above_scale": (16, 23),
    "safety_inspections": (642, 951),
}.items():
    V[_id] = count_path(_v6, _v9)
V["hitech_firms"] = [0, 0, 2, 4, 6, 9, 11, 14, 17]
V["iva_growth"] = [8.5, 10.2, 11.6, 12.1, 12.4, 12.6, 12.3, 12.0, 11.8]  # 规上工业增加值增速 %
V["service_share"] = [46.2, 46.8, 47.3, 47.6, 48.0, 48.4, 48.5, 48.7, 48.9]  # 服务业增加值占比 %
V["hitech_share"] = [51.8, 52.3, 52.6, 52.9, 53.0, 53.1, 53.6, 54.0, 54.3]  # 高新技术产业产值占比 %
V["energy_intensity"] = [0.55, 0.53, 0.51, 0.50, 0.50, 0.49, 0.50, 0.51, 0.50]  # 吨标准煤/万元
V["gdp_energy_growth"] = ["/", "/", -2.1, "/", "/", -3.4, "/", "/", -3.6]  # quarterly only (not an indicator)
V["accidents"], LY["accidents"] = [1, 1, 2, 3, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]
V["accident_deaths"], LY["accident_deaths"] = [0, 0, 0, 0, 0, 0, 0, 1, 1], [0, 0, 1, 1, 1, 1, 2, 2, 2]
V["major_accidents"] = [0] * 9
LY["safety_inspections"] = [round(v * 0.93) for v in V["safety_inspections"]]
LY["signed_projects"] = [round(v * 0.9) for v in V["signed_projects"]]
LY["new_above_scale"] = [max(0, v - 2) for v in V["new_above_scale"]]


# ---------------------------------------------------------------------------------------------- milestones
# 重点工作: (work, department, [(node, due month, month done or None, how the done cell is written)])
TASKS = [
    (
        "创建国家生态工业示范园区",
        "建设局",
        [
            ("完成创建规划编制并通过专家评审", 3, 3, "已完成"),
            ("通过省级预审", 6, 6, "√"),
            ("完成创建指标自评估", 9, 9, "date"),
            ("通过国家技术核查", 11, None, ""),
        ],
    ),
    (
        "智慧园区平台建设",
        "科创局",
        [
            ("完成建设方案评审", 4, 4, "已完成"),
            ("完成项目招标采购", 5, 7, "已完成"),
            ("一期平台上线试运行", 8, None, ""),
            ("平台通过竣工验收", 12, None, ""),
        ],
    ),
    (
        "标准化厂房二期建设",
        "建设局",
        [
            ("完成施工图审查", 2, 2, "√"),
            ("主体结构封顶", 5, 5, "已完成"),
            ("完成竣工验收", 9, 9, "已完成"),
            ("招商入驻率达到60%", 12, None, ""),
        ],
    ),
    (
        "“一网通办”改革",
        "经发局",
        [("企业开办全流程压缩至1个工作日", 6, 5, "已完成"), ("上线“免申即享”政策兑现", 10, None, "")],
    ),
]


# ---------------------------------------------------------------------------------------------- ledger
BRANDS = "瑞岚 华澄 鼎岳 恒越 博翰 启衡 天垣 联拓 金屹 睿芯 弘曜 嘉沐 泓辰 锦程 中恪 卓琅 云帆 广睿 立衡 澜亭".split()
PRODUCTS = [
    "新能源汽车零部件生产基地",
    "年产5万吨锂电池正极材料",
    "高端数控机床研发制造",
    "智能家电产业园",
    "半导体封装测试",
    "生物医药产业化基地",
    "高效光伏组件",
    "精密模具研发制造",
    "工业机器人整机制造",
    "新型显示材料",
    "冷链食品精深加工",
    "高性能复合材料",
    "储能电池系统集成",
    "智能网联汽车电子",
    "高端医疗器械",
    "氢能装备制造",
    "电子信息产业园",
    "绿色建材生产基地",
    "智能仓储物流中心",
    "数字经济产业园",
]
ROADS = (
    "经开大道东延 创新大道 纬三路 纬五路 经八路 科技园路 滨河路 翠湖路 金桥路 兴业路 明珠路 港城大道".split()
)
INFRA = [
    "污水处理厂二期扩建工程",
    "综合管廊（一期）工程",
    "供热管网扩容工程",
    "公交首末站",
    "雨污分流改造工程",
    "再生水厂",
    "园区绿道（一期）",
    "河道综合整治工程",
    "标准化厂房（二期）配套工程",
    "北区土地整理",
    "东区路网微循环工程",
    "110千伏金桥变电站",
    "天然气门站",
    "5G基站建设工程",
    "智慧路灯改造工程",
    "防洪排涝泵站",
    "园区环境监测站",
    "消防通道改造工程",
    "危化品车辆专用停车场",
]
SOCIAL = [
    "人才公寓（一期）",
    "人才公寓（二期）",
    "九年一贯制学校",
    "第二实验小学",
    "中心幼儿园",
    "安置房（三期）",
    "体育公园",
    "口袋公园群",
    "公共租赁住房",
    "农贸市场提升改造",
    "职工之家",
    "便民服务中心",
    "社区卫生服务中心",
    "邻里中心（东区）",
    "邻里中心（北区）",
    "养老服务中心",
    "青年创业社区",
    "公共实训基地",
    "消防救援站",
    "应急物资储备库",
]
# category: (projects per department, in ledger order; non-new natures)
LAYOUT = {
    "产业项目": (
        {"经发局": 24, "招商局": 22, "科创局": 14, "建设局": 6, "财政局": 2, "应急局": 2},
        {"续建": 6, "竣工": 1, "前期": 1},
    ),
    "基础设施": ({"建设局": 22, "经发局": 4, "应急局": 4}, {"续建": 5, "竣工": 1, "前期": 2}),
    "社会民生": ({"建设局": 8, "财政局": 4, "经发局": 4, "科创局": 2, "应急局": 2}, {"续建": 3, "竣工": 1}),
}
LEDGER_ALIAS = {
    ("产业项目", "经发局"): "经济发展局",
    ("基础设施", "建设局"): "规划建设局",
    ("社会民生", "科创局"): "科技创新局",
    ("基础设施", "应急局"): "应急管理局",
}
LEADERS = {
    "经发局": "陈立新",
    "招商局": "刘志远",
    "财政局": "周敏",
    "建设局": "王建军",
    "科创局": "赵明哲",
    "应急局": "孙卫东",
}
STARTS_PER_MONTH = [4, 6, 12, 14, 12, 12, 10, 10, 8, 6, 4, 2]  # planned new starts Jan–Dec (100)
NEW_STARTS_PLAN = [sum(STARTS_PER_MONTH[: i + 1]) for i in range(12)]
ISSUES = [
    "用地指标尚未落实",
    "施工许可正在办理",
    "企业融资未到位",
    "电力接入方案待批复",
    "征迁尚有2户未签约",
    "环评批复待取得",
]


def industrial_names(n):
    pairs = rng.sample([(b, p) for b in BRANDS for p in PRODUCTS], n)
    return [f"{b}{p}项目" for b, p in pairs]


def build_projects():
    names = {
        "产业项目": industrial_names(70),
        "基础设施": [f"{r}道路及配套管网工程" for r in ROADS[:11]] + INFRA,
        "社会民生": SOCIAL,
    }
    projects = []
    for cat, (depts, natures) in LAYOUT.items():
        owners = [d for d, c in depts.items() for _ in range(c)]
        kinds = [k for k, c in natures.items() for _ in range(c)]
        kinds += ["新开工"] * (len(owners) - len(kinds))
        rng.shuffle(kinds)
        for owner, nature, name in zip(owners, kinds, names[cat]):
            projects.append(
                {
                    "cat": cat,
                    "owner": owner,
                    "nature": nature,
                    "name": name,
                    "day": rng.randint(1, 28),
                    "pstyle": rng.choice([0, 0, 1, 1, 2, 3, 4]),
                    "perf": rng.uniform(0.75, 1.2),
                    "astyle": rng.choice([0, 0, 1, 2, 3, 4, 5]),
                    "none": rng.choice(["", "—", "未开工"]),
                }
            )
    new = [p for p in projects if p["nature"] == "新开工"]
    months = [m for m, c in enumerate(STARTS_PER_MONTH, 1) for _ in range(c)]
    rng.shuffle(months)
    for p, m in zip(new, months):
        p["plan"] = m
    # Actual starts: of the 60 planned by June, 47 start by June, 10 in Q3, 3 not by September;
    # 6 planned for Q3 start early (so 53 new starts by June), 18 more of Q3 start on time, 2 of Q4 start early.
    h1 = rng.sample([p for p in new if p["plan"] <= 6], 60)
    for i, p in enumerate(h1):
        p["start"] = (
            None
            if i < 3
            else rng.randint(7, 9)
            if i < 13
            else max(1, min(6, p["plan"] + rng.choice([-1, 0, 0, 0, 0, 1, 1, 2])))
        )
    q3 = rng.sample([p for p in new if 7 <= p["plan"] <= 9], 28)
    for i, p in enumerate(q3):
        p["start"] = (
            rng.randint(5, 6) if i < 6 else None if i < 10 else min(9, p["plan"] + rng.choice([0, 0, 0, 1]))
        )
    for i, p in enumerate(p for p in new if p["plan"] >= 10):
        p["start"] = rng.randint(8, 9) if i < 2 else None
    industrial = [
        p for p in new if p["cat"] == "产业项目"
    ]  # 16 projects of 10亿元+, 8 of them started by June
    big = set(
        map(
            id,
            rng.sample([p for p in industrial if p["start"] and p["start"] <= 6], 8)
            + rng.sample([p for p in industrial if not p["start"] or p["start"] > 6], 8),
        )
    )
    for p in projects:
        if p["nature"] != "新开工":
            p["plan"], p["start"] = (rng.randint(2022, 2023), rng.randint(1, 12)), 0
            if p["nature"] == "前期":
                p["plan"], p["start"] = (2025, rng.randint(3, 9)), None
        lo, hi = {"产业项目": (8000, 95000), "基础设施": (5000, 90000), "社会民生": (3000, 60000)}[p["cat"]]
        if id(p) in big or (p["cat"] == "产业项目" and p["nature"] in ("续建", "竣工")):
            lo, hi = 100000, 300000
        p["total"] = rng.randint(lo // 100, hi // 100) * 100
        # Annual plan: 续建 carry big shares; a new start gets less the later in the year it is planned to start.
        share = (
            rng.uniform(0.35, 0.6)
            if p["start"] == 0
            else None
            if p["nature"] == "前期"
            else rng.uniform(0.3, 0.5) * (13 - p["plan"]) / 12
        )
        p["annual"] = share and p["total"] * share
        p["code"] = f"2401-340171-04-01-{rng.randint(100000, 999999)}"
    # Scale annual plans to exactly 150 亿元 (1,500,000 万元) — the target of 重点项目完成投资.
    planned = [p for p in projects if p["annual"] is not None]
    k = 1_500_000 / sum(p["annual"] for p in planned)
    for p in planned:
        p["annual"] = round(p["annual"] * k)
    planned[-1]["annual"] += 1_500_000 - sum(p["annual"] for p in planned)
    assert all(p["annual"] <= p["total"] for p in planned)

    # Completed investment, calibrated month by month to a plausible share of the annual plan (≈51% at 1-6月).
    def frac(p, m):
        if p["start"] == 0:
            return CURVE[m - 1]
        if p["start"] is None or p["start"] > m:
            return 0.0
        return ((m - p["start"] + 1) / (13 - p["start"])) ** 0.9

    for p in projects:
        p["done"] = [None if p["annual"] is None else 0 for _ in MONTHS]
    for m, share in zip(MONTHS, [0.04, 0.085, 0.18, 0.27, 0.385, 0.508, 0.59, 0.67, 0.762]):
        c = share * 1_500_000 / sum(p["annual"] * p["perf"] * frac(p, m) for p in planned)
        for p in planned:
            value = round(p["annual"] * min(1.1, c * p["perf"] * frac(p, m)))
            p["done"][m - 1] = max(value, p["done"][m - 2] if m > 1 else 0)  # cumulative: never decreases
    for p in projects:
        p["frac"] = [0.0 if p["annual"] is None else d / p["annual"] for d in p["done"]]
    return projects


PROJECTS = build_projects()


def started(p, m):
    return p["start"] == 0 or (p["start"] is not None and p["start"] <= m)


def ledger_figures(m):
    new = [p for p in PROJECTS if p["nature"] == "新开工"]
    due = [p for p in new if p["plan"] <= m]
    return {
        "new_starts": sum(started(p, m) for p in new),
        "big_industrial_starts": sum(
            started(p, m) and p["cat"] == "产业项目" and p["total"] >= 100000 for p in new
        ),
        "key_project_investment": sum(p["done"][m - 1] or 0 for p in PROJECTS) / 1e4,
        "planned_to_date": len(due),
        "started_of_planned": sum(started(p, m) for p in due),
        "overdue": [p["name"] for p in due if not started(p, m)],
    }


for _k in ("new_starts", "big_industrial_starts", "key_project_investment"):
    V[_k] = [ledger_figures(m)[_k] for m in MONTHS]
TBD_PROJECT = next(p["name"] for p in PROJECTS if p["nature"] == "新开工" and p["plan"] >= 5)
BIG_TOTAL = sum(p["nature"] == "新开工" and p["cat"] == "产业项目" and p["total"] >= 100000 for p in PROJECTS)


# ---------------------------------------------------------------------------------------------- writing helpers
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def span(m):
    return f"1-{m}月"


def text_number(v, digits=1):
    return f"{v:,.{digits}f}"


def fullwidth(text):
    return "".join(chr(ord(ch) + 0xFEE0) if "0" <= ch <= "9" else ch for ch in str(text))


def yoy(v, ly):
    return round((v / ly - 1) * 100, 1) if isinstance(ly, (int, float)) and ly else "—"


def new_sheet(wb, title, first=False):
    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    return ws


def banner(ws, row, text, ncols, size=16, bold=True):
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    cell = ws.cell(row, 1, text)
    cell.font, cell.alignment = (
        Font(name="方正小标宋简体" if size > 12 else "宋体", size=size, bold=bold),
        CENTER,
    )


def header(ws, row, cells, rows=1):
    """cells: (column, text) or (column, text, [leaf texts]) — a parent merged over its leaves on the next row."""
    last = 0
    for col, text, *leaves in cells:
        leaves = leaves[0] if leaves else []
        if leaves:
            ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + len(leaves) - 1)
            for j, leaf in enumerate(leaves):
                ws.cell(row + 1, col + j, leaf)
        elif rows > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col)
        ws.cell(row, col, text)
        last = max(last, col + max(len(leaves), 1) - 1)
    for r in range(row, row + rows):
        for c in range(1, last + 1):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.border = Font(name="黑体", size=10), CENTER, BOX


def body(ws, row, values, bold=False):
    for c, v in enumerate(values, 1):
        cell = ws.cell(row, c)
        if not isinstance(cell, MergedCell):  # merged cells keep their value in the top-left cell only
            cell.value = v
        cell.border, cell.font = BOX, Font(name="宋体", size=10, bold=bold)
        if isinstance(v, datetime):
            cell.number_format = "yyyy年m月d日"


def widths(ws, *ws_widths):
    for i, w in enumerate(ws_widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w


def footer(ws, row, unit, note):
    ws.cell(row + 1, 1, f"说明：{note}")
    ws.cell(
        row + 2,
        1,
        f"填报单位（盖章）：{unit}　　　填报人：张某某　　　审核人：李某某　　　联系电话：0000-1234567",
    )


def save_xlsx(wb, path):
    """Save with fixed document properties and fixed zip entry times, so re-running gives identical bytes."""
    wb.properties.creator = wb.properties.lastModifiedBy = "示范经开区"
    wb.properties.created = wb.properties.modified = FIXED
    raw = io.BytesIO()
    ExcelWriter(
        wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ).save()  # wb.save() would stamp "modified"
    path.write_bytes(fixed_zip_times(raw.getvalue(), FIXED))


# ---------------------------------------------------------------------------------------------- the seven files
def write_main(m, folder):
    i, wb = m - 1, Workbook()
    old = new_sheet(wb, "上年数据", first=True)  # hidden scratch sheet with the same labels: a trap
    old.append(["指标名称", "上年同期", "备注"])
    for k, label in (
        ("fai", "固定资产投资"),
        ("industrial_output", "规上工业总产值"),
        ("retail_sales", "社会消费品零售总额"),
    ):
        old.append([label, round(LY[k][i] * 0.97, 2), "2023年快报数"])
    old.sheet_state, old.sheet_view.tabSelected = "hidden", False
    ws = new_sheet(wb, "主要指标")
    wb.active = 1
    banner(ws, 1, f"{ZONE}{YEAR}年{span(m)}主要经济指标完成情况", 11)
    banner(ws, 2, f"（截至{YEAR}年{m}月底）", 11, size=11, bold=False)
    ws.cell(3, 11, "单位：亿元")
    header(
        ws,
        4,
        [
            (1, "序号"),
            (2, "指标名称"),
            (3, "年度目标"),
            (4, "完成情况", ["本月", f"{span(m)}累计"]),
            (6, "上年同期 "),
            (7, "上年全年"),
            (8, "同比增长\n（%）"),
            (9, "完成年度\n目标（%）"),
            (10, "责任单位"),
            (11, "备注"),
        ],
        rows=2,
    )
    rows = []
    for n, (k, label, target) in enumerate(
        [
            ("fai", "固定资产投资", 200),
            ("industrial_investment", "　　其中：工业投资", 80),
            ("industrial_output", "规上工业总产值", 650),
            ("retail_sales", "社会消费品零售总额", 120),
        ],
        1,
    ):
        v, ly = V[k][i], LY[k][i]
        month_v = round(v - (V[k][i - 1] if i else 0), 2)
        rows.append(
            [
                "" if label.startswith("　") else n,
                label,
                target,
                month_v,
                v,
                ly,
                round(LY[k][-1] * 1.35, 2),
                yoy(v, ly),
                round(v / target * 100, 1),
                "经发局",
                "",
            ]
        )
    rows[0][0], rows[2][0], rows[3][0] = 1, 2, 4
    if m == 4:  # quirk: unparseable (2024-04 only)
        rows[2][3], rows[2][4], rows[2][7], rows[2][8] = "/", "待核实", "/", "/"
    rows.insert(
        3,
        [
            3,
            "规上工业增加值",
            "增长12%",
            "—",
            "/",
            "/",
            "/",
            f"{V['iva_growth'][i]}%",
            "/",
            "经发局",
            "快报数",
        ],
    )
    rows.append(
        [
            5,
            "服务业增加值占GDP比重",
            "48%",
            "—",
            V["service_share"][i] / 100,
            "/",
            "/",
            "/",
            "/",
            "经发局",
            "季度数据按月预估",
        ]
    )
    nv = V["new_above_scale"]
    rows.append(
        [
            6,
            "新增规上工业企业数",
            30,
            nv[i] - (nv[i - 1] if i else 0),
            nv[i],
            LY["new_above_scale"][i],
            "/",
            "—",
            round(nv[i] / 30 * 100, 1),
            "经发局",
            "单位：家",
        ]
    )
    for r, values in enumerate(rows, 6):
        body(ws, r, values)
    ws.cell(11, 5).number_format = "0.0%"  # the share is a fraction shown as percent
    footer(
        ws,
        14,
        "示范经开区经济发展局",
        "1.规上工业数据为快报数；2.服务业增加值占比为预估数，以统计部门反馈为准。",
    )
    widths(ws, 6, 26, 10, 9, 12, 11, 11, 10, 10, 10, 14)
    ws.column_dimensions["G"].hidden = True
    save_xlsx(wb, folder / "主要经济指标.xlsx")


def write_finance(m, folder):
    i, wb = m - 1, Workbook()
    ws = new_sheet(wb, "财政收入", first=True)
    banner(ws, 1, f"{ZONE}{YEAR}年{span(m)}财政收入完成情况表", 7)
    banner(ws, 2, f"（截至{YEAR}年{m}月底）", 7, size=11, bold=False)
    header(
        ws,
        4,
        [
            (1, "项目"),
            (2, "年初预算\n（万元）"),
            (3, f"{span(m)}累计完成（万元）"),
            (4, "上年同期（万元）"),
            (5, "增减额（万元）"),
            (6, "增长（%）"),
            (7, "完成预算（%）"),
        ],
    )
    b, t, f = V["budget_revenue"][i], V["tax_revenue"][i], V["fund_revenue"][i]
    bl, tl, fl = LY["budget_revenue"][i], LY["tax_revenue"][i], LY["fund_revenue"][i]
    lines = [
        ("一般公共预算收入", 300000, b, bl),
        ("　其中：税收收入", 250000, t, tl),
        ("　　　　增值税", 105000, round(t * 0.42, 1), round(tl * 0.43, 1)),
        ("　　　　企业所得税", 62500, round(t * 0.25, 1), round(tl * 0.24, 1)),
        ("　　　　个人所得税", 15000, round(t * 0.06, 1), round(tl * 0.06, 1)),
        ("　　　　其他税收", 67500, round(t * 0.27, 1), round(tl * 0.27, 1)),
        ("　　非税收入", 50000, round(b - t, 1), round(bl - tl, 1)),
        ("政府性基金收入", 200000, f, fl),
        ("　其中：国有土地使用权出让收入", 180000, round(f * 0.9, 1), round(fl * 0.91, 1)),
    ]
    for r, (label, budget, v, ly) in enumerate(lines, 5):
        cells = [label, budget, v, ly, round(v - ly, 1), yoy(v, ly), round(v / budget * 100, 1)]
        if r in (5, 12):
            cells[5] = f"{cells[5]}%"  # growth typed as text "6.8%"
        body(ws, r, cells, bold=not label.startswith("　"))
    if m == 5:
        ws.cell(5, 3).value = text_number(b)[:2] + " " + text_number(b)[2:]  # quirk "13 5,218.6"
    elif m in (6, 9):
        ws.cell(5, 3).value = text_number(b)  # number typed as text "162,350.0"
    footer(ws, 15, "示范经开区财政局", "本表数据来源于财政决算快报系统。")
    widths(ws, 30, 12, 16, 14, 12, 10, 12)
    ws2 = new_sheet(wb, "争取上级资金")
    banner(ws2, 1, f"{YEAR}年争取上级资金情况", 5)
    ws2.cell(2, 5, "单位：万元")
    header(ws2, 3, [(1, "序号"), (2, "资金类别"), (3, f"{span(m)}累计争取"), (4, "其中：本月"), (5, "备注")])
    s, prev = V["superior_funds"][i], (V["superior_funds"][i - 1] if i else 0)
    parts = [round(s * 0.3, 1), round(s * 0.25, 1), round(s * 0.3, 1)]
    parts.append(round(s - sum(parts), 1))
    kinds = ["中央预算内投资", "超长期特别国债", "地方政府专项债券", "上级转移支付及专项资金"]
    for r, (n, kind, v) in enumerate(zip("一二三四", kinds, parts), 4):
        body(ws2, r, [f"{n}、", kind, v, round((s - prev) * v / s, 1), ""])
    body(
        ws2,
        8,
        ["", "合计", "6.05亿" if m == 9 else s, round(s - prev, 1), "9月为财政局手填" if m == 9 else ""],
        bold=True,
    )
    widths(ws2, 8, 26, 16, 12, 18)
    save_xlsx(wb, folder / "财政收入.xlsx")


def write_invest(m, folder):
    i = m - 1
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("招商引资")
    title = xlwt.easyxf("font: name 宋体, height 320, bold on; align: horiz center, vert center")
    head = xlwt.easyxf(
        "font: name 黑体, height 200; align: horiz center, vert center, wrap on; "
        "borders: left thin, right thin, top thin, bottom thin"
    )
    cell = xlwt.easyxf("font: name 宋体, height 200; borders: left thin, right thin, top thin, bottom thin")
    ws.write_merge(0, 0, 0, 8, f"{ZONE}{YEAR}年{span(m)}招商引资及外经贸指标完成情况", title)
    ws.write(1, 0, "填报单位：招商局（商务局）")
    ws.write(1, 6, f"截至{YEAR}年{m}月{[31, 29, 31, 30, 31, 30, 31, 31, 30][i]}日")
    for c, text in enumerate(
        [
            "序号",
            "指标",
            "计量单位",
            "年度目标",
            f"{span(m)}累计",
            "上年同期",
            "同比增长（%）",
            "完成年度目标（%）",
            "备注",
        ]
    ):
        ws.write(2, c, text, head)
    trade, trade_ly = V["trade"][i], LY["trade"][i]
    rows = [
        ("1", "实到外资", "万美元", 8000, V["fdi"][i], LY["fdi"][i]),
        ("2", "实际到位内资", "亿元", 160, V["domestic_capital"][i], LY["domestic_capital"][i]),
        ("3", "外贸进出口总额", "亿元", 90, trade, trade_ly),
        ("", "其中：出口", "亿元", 55, round(trade * 0.62, 2), round(trade_ly * 0.59, 2)),
        ("4", "签约亿元以上项目", "个", 22, V["signed_projects"][i], LY["signed_projects"][i]),
    ]
    for r, (n, label, unit, target, v, ly) in enumerate(rows, 3):
        shown = v
        if label == "实到外资" and m == 9:
            shown = f"{v}万"  # quirk: "6150万" in a 万美元 column
        if label == "签约亿元以上项目" and m == 2:
            shown = "/"  # quirk: not reported
        values = [
            n,
            label,
            unit,
            target,
            shown,
            ly,
            yoy(v, ly) if shown != "/" else "/",
            round(v / target * 100, 1) if shown != "/" else "/",
            "含增资扩股" if label == "实到外资" else "",
        ]
        for c, value in enumerate(values):
            ws.write(r, c, value, cell)
    ws.write(9, 0, "说明：实到外资以商务部外资统计系统数据为准；签约项目以正式签订投资协议为准。")
    ws.write(10, 0, "填报人：吴某某　　审核人：郑某某　　联系电话：0000-7654321")
    for c, w in enumerate([6, 20, 10, 10, 12, 12, 12, 14, 14]):
        ws.col(c).width = w * 300
    out = io.BytesIO()
    wb.save(out)
    (folder / "招商引资完成情况.xls").write_bytes(out.getvalue())


def write_tech(m, folder):
    i = m - 1
    rd, contracts = V["rd_spending"][i], V["tech_contracts"][i]
    rows = [
        [f"{ZONE}{YEAR}年{span(m)}科技创新指标完成情况", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "单位：万元", ""],
        ["序号", "指标名称", "计量单位", "年度目标", f"{span(m)}累计", "上年同期", "同比增长(%)", "备注"],
        [
            "1",
            "研发经费投入",
            "万元",
            "250,000",
            f" {text_number(rd, 0)} " if m == 6 else rd,
            LY["rd_spending"][i],
            yoy(rd, LY["rd_spending"][i]),
            "规上企业研发投入",
        ],
        [
            "2",
            "技术合同成交额",
            "万元",
            "150000",
            "—" if m == 3 else contracts,
            LY["tech_contracts"][i],
            "—" if m == 3 else yoy(contracts, LY["tech_contracts"][i]),
            "含技术开发、转让、咨询和服务",
        ],
        ["3", "新增高新技术企业", "家", "40", V["hitech_firms"][i], "/", "/", "全年认定集中在四季度"],
        [
            "4",
            "新增科技型中小企业",
            "家",
            "150",
            fullwidth(V["tech_smes"][i]) if m == 6 else V["tech_smes"][i],
            "/",
            "/",
            "入库数",
        ],
        ["5", "发明专利授权量", "件", "200", V["invention_patents"][i], "/", "/", ""],
        [
            "6",
            "高新技术产业产值占规上工业总产值比重",
            "%",
            "54",
            f"{V['hitech_share'][i]}%",
            "52.0%",
            "/",
            "",
        ],
        [],
        ["说明：1.研发经费为企业自报数；2.占比指标为当期累计数。"],
        ["填报单位：科技创新局　　填报人：钱某某　　审核人：冯某某　　联系电话：0000-2468135"],
    ]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    (folder / "科技创新指标.csv").write_bytes(text.getvalue().encode("gbk"))


def write_safety(m, folder):
    i, wb = m - 1, Workbook()
    ws = new_sheet(wb, "安全生产", first=True)
    banner(ws, 1, f"{ZONE}{YEAR}年{span(m)}安全生产主要指标情况", 8)
    header(
        ws,
        3,
        [
            (1, "序号"),
            (2, "指标"),
            (3, "年度控制\n目标"),
            (4, "完成情况", ["本月", f"{span(m)}累计"]),
            (6, "上年同期"),
            (7, "增减"),
            (8, "备注"),
        ],
        rows=2,
    )

    def row(n, label, target, key, note=""):
        cur, prev = V[key][i], (V[key][i - 1] if i else 0)
        ly = LY.get(key, [0] * 9)[i]
        return [n, label, target, cur - prev, cur, ly, cur - ly, note]

    rows = [
        row(1, "生产安全事故起数", "/", "accidents"),
        row(
            2,
            "生产安全事故死亡人数",
            0,
            "accident_deaths",
            "8月某物流企业叉车伤害事故1人死亡" if m >= 8 else "",
        ),
        row(3, "较大及以上生产安全事故起数", 0, "major_accidents"),
        row(4, "安全生产检查企业数", 1200, "safety_inspections", "单位：家次"),
        [5, "重大事故隐患整改率", "100%", "—", "100%", "100%", "/", ""],
    ]
    for r, values in enumerate(rows, 5):
        body(ws, r, values)
    footer(ws, 10, "示范经开区应急管理局", "事故数据以应急管理部门统计直报系统为准。")
    widths(ws, 6, 28, 10, 8, 12, 10, 8, 30)
    ws2 = new_sheet(wb, "节能降耗")
    banner(ws2, 1, f"{YEAR}年{span(m)}节能降耗指标情况", 6)
    header(
        ws2,
        2,
        [(1, "指标"), (2, "计量单位"), (3, "年度目标"), (4, span(m)), (5, "上年同期"), (6, "增减（%）")],
    )
    e = V["energy_intensity"][i]
    for r, values in enumerate(
        [
            [
                "规上工业综合能源消费量",
                "万吨标准煤",
                "/",
                round(28.6 * CURVE[i] / 0.5, 2),
                round(27.9 * CURVE[i] / 0.5, 2),
                2.5,
            ],
            ["单位工业增加值能耗", "吨标准煤/万元", "≤0.52", e, 0.52, round((e / 0.52 - 1) * 100, 1)],
            ["单位GDP能耗增速", "%", "下降3%", V["gdp_energy_growth"][i], "/", "/"],
        ],
        3,
    ):
        body(ws2, r, values)
    ws2.cell(7, 1, "注：单位GDP能耗按季度测算，非季末月份不填报。")
    widths(ws2, 26, 14, 10, 10, 10, 10)
    save_xlsx(wb, folder / "安全生产与节能.xlsx")


def month_cell(year, month, style, day):
    """A month as people type it: an Excel date, 2024.3, 2024年3月, 3月底 or 2024-03."""
    if style == 0:
        return datetime(year, month, day)
    if style == 1:
        return f"{year}.{month}"
    if style == 3 and year == YEAR:
        return f"{month}月底"
    return f"{year}-{month:02d}" if style == 4 else f"{year}年{month}月"


def stage(p, m):
    f = p["frac"][m - 1]
    infra = p["cat"] == "基础设施"
    if not started(p, m):
        overdue = p["nature"] == "新开工" and p["plan"] <= m
        text = "完成立项备案，正在办理施工许可" if overdue else "前期手续办理中"
        return text, ISSUES[len(p["name"]) % len(ISSUES)] if overdue else "/"
    steps = (
        ["路基施工", "管网铺设", "路面施工", "附属工程施工"]
        if infra
        else ["基础施工", "主体施工", "主体封顶，进行装饰装修及设备采购", "设备安装调试"]
    )
    text = steps[min(3, int(f / 0.3))]
    if p["nature"] == "竣工" and f >= 0.9:
        text = "已完工，正在办理竣工验收"
    return text, "无"


def write_projects(m, folder):
    i, wb = m - 1, Workbook()
    ws = new_sheet(wb, "重点项目", first=True)
    banner(ws, 1, f"{ZONE}{YEAR}年重点项目建设进度表（{span(m)}）", 16)
    ws.cell(2, 1, "单位：万元")
    ws.merge_cells("M2:P2")
    ws.cell(2, 13, f"（截至{YEAR}年{m}月底）")
    header(
        ws,
        3,
        [
            (1, "序号"),
            (2, "项目名称"),
            (3, "入库编码"),
            (4, "项目类别"),
            (5, "建设性质"),
            (6, "建设内容"),
            (7, "投资情况", ["总投资", "年度计划投资", f"{span(m)}累计完成"]),
            (10, "完成率（%）"),
            (11, "计划开工\n时间"),
            (12, "实际开工\n时间"),
            (13, "形象进度"),
            (14, "存在问题"),
            (15, "责任单位"),
            (16, "包保领导"),
        ],
        rows=2,
    )
    body(ws, 5, [1, 2, 3, 4, 5, 6, 7, 8, 9, "10=9/8", 11, 12, 13, 14, 15, 16])

    def sums(ps):
        total, annual = sum(p["total"] for p in ps), sum(p["annual"] or 0 for p in ps)
        done = sum(p["done"][i] or 0 for p in ps)
        return [total, annual, done, round(done / annual * 100, 1)]

    row, serial = 7, 0
    for n, cat in zip("一二三", LAYOUT):
        ps = [p for p in PROJECTS if p["cat"] == cat]
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        body(ws, row, [f"{n}、{cat}（{len(ps)}个）"], bold=True)
        row += 1
        first = row
        for p in ps:
            serial += 1
            if p["nature"] == "新开工":
                planned = month_cell(YEAR, p["plan"], p["pstyle"], p["day"])
                if m == 4 and p["name"] == TBD_PROJECT:
                    planned = "待定"  # quirk: unparseable date (2024-04 only)
            else:
                planned = month_cell(*p["plan"], 2 if p["plan"][0] > YEAR else p["pstyle"] % 3, p["day"])
            if p["start"] == 0:
                actual = "已开工"
            elif started(p, m):
                actual = (
                    "已开工"
                    if p["astyle"] == 5
                    else month_cell(YEAR, p["start"], p["astyle"], p["day"] % 28 + 1)
                )
            else:
                actual = p["none"]
            annual, done = p["annual"], p["done"][i]
            progress, issue = stage(p, m)
            body(
                ws,
                row,
                [
                    serial,
                    p["name"],
                    p["code"],
                    cat,
                    p["nature"],
                    f"总投资{p['total'] / 1e4:.1f}亿元，"
                    + (
                        "新建厂房及配套设施，购置生产设备"
                        if cat == "产业项目"
                        else "按设计标准实施主体及配套工程"
                    ),
                    p["total"],
                    annual if annual else "/",
                    done if annual else "/",
                    round(done / annual * 100, 1) if annual else "/",
                    planned,
                    actual,
                    progress,
                    issue,
                    None,
                    None,
                ],
            )
            row += 1
        r = first  # 责任单位 and 包保领导 merged down per department
        for owner, group in groupby(ps, key=lambda p: p["owner"]):
            n = len(list(group))
            ws.cell(r, 15, LEDGER_ALIAS.get((cat, owner), owner))
            ws.cell(r, 16, LEADERS[owner])
            if n > 1:
                ws.merge_cells(start_row=r, start_column=15, end_row=r + n - 1, end_column=15)
                ws.merge_cells(start_row=r, start_column=16, end_row=r + n - 1, end_column=16)
            r += n
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        body(ws, row, ["小计", None, None, None, None, None, *sums(ps)], bold=True)
        row += 1
    ws.merge_cells("A6:F6")
    body(ws, 6, ["合计", None, None, None, None, None, *sums(PROJECTS)], bold=True)
    footer(
        ws,
        row + 1,
        "示范经开区经济发展局（项目办）",
        "1.本表由各责任单位每月5日前报送；2.实际开工以取得施工许可并开始基础施工为准；3.完成率=1-N月累计完成/年度计划投资。",
    )
    widths(ws, 6, 36, 24, 10, 9, 36, 11, 12, 12, 10, 12, 12, 24, 20, 12, 10)
    ws.column_dimensions["C"].hidden = True
    ws.freeze_panes = "C6"
    lists = new_sheet(wb, "下拉选项")
    for values in (["产业项目", "基础设施", "社会民生"], ["新开工", "续建", "竣工", "前期"]):
        lists.append(values)
    lists.sheet_state = "hidden"
    save_xlsx(wb, folder / "重点项目进度表.xlsx")


def write_tasks(m, folder):
    wb = Workbook()
    ws = new_sheet(wb, "重点工作", first=True)
    banner(ws, 1, f"{ZONE}{YEAR}年重点工作推进情况表（截至{m}月底）", 7)
    header(
        ws,
        2,
        [
            (1, "序号"),
            (2, "重点工作"),
            (3, "节点任务"),
            (4, "计划完成\n时间"),
            (5, "完成情况"),
            (6, "进展情况"),
            (7, "责任单位"),
        ],
    )
    row = 3
    for n, (work, owner, nodes) in enumerate(TASKS, 1):
        for j, (node, due, done, how) in enumerate(nodes):
            if done is not None and done <= m:
                status = datetime(YEAR, done, 26) if how == "date" else how
                note = f"已于{done}月完成"
            elif due < m:
                status, note = "未完成", "受招标流程影响，进度滞后" if owner == "科创局" else "正在加快推进"
            else:
                status, note = ("推进中", "按计划推进") if due <= m + 2 else ("未开始", "/")
            due_text = [f"{due}月底", f"{YEAR}.{due}", f"{due}月"][j % 3]
            body(ws, row + j, [n, work, node, due_text, status, note, owner])
        for col in (1, 2, 7):
            ws.merge_cells(start_row=row, start_column=col, end_row=row + len(nodes) - 1, end_column=col)
        row += len(nodes)
    footer(ws, row, "示范经开区党政办公室（督查室）", "完成情况填“已完成”“√”或完成日期；未到期填“推进中”。")
    widths(ws, 6, 26, 34, 12, 14, 28, 10)
    save_xlsx(wb, folder / "重点工作推进表.xlsx")


# ---------------------------------------------------------------------------------------------- config template
CONFIG = r"""# =====================================================================================
# reportgen 配置示例：示范经济技术开发区 2024 年重点指标目标跟踪（由 scripts/make_samples.py 生成）
# 新建本区配置时复制本文件，按实际修改园区名称、责任单位、指标和报表位置。
# 所有路径都相对于本配置文件所在的目录。改完可运行：reportgen validate -c 本文件 -p 2024-06
# =====================================================================================

zone: 示范经济技术开发区          # 园区全称，用于报告标题和正文
year: 2024                        # 目标年度；报告期间（如 2024-06）必须在这一年内

data:
  dir: @DATA_DIR@       # 各单位报表的存放目录
  period_dir: "{year}-{month:02d}"  # 每月一个子目录（如 2024-06），只能使用 {year} 和 {month}

# 责任单位：name 为报告中使用的规范名称；aliases 为报表中可能出现的其他写法（台账“责任单位”列常写全称）；
# email 为接收本单位督办单的邮箱，可写多个。也可以只写名称，如 - 经发局
departments:
  - name: 经发局
    aliases: [经济发展局, 经济发展和统计局]
    email: [jingfa@example.com]
  - name: 招商局
    aliases: [招商服务局, 投资促进局, 商务局]
    email: [zhaoshang@example.com]
  - name: 财政局
    aliases: [财政金融局]
    email: [caizheng@example.com]
  - name: 建设局
    aliases: [规划建设局, 建设管理局]
    email: [jianshe@example.com]
  - name: 科创局
    aliases: [科技创新局]
    email: [kechuang@example.com]
  - name: 应急局
    aliases: [应急管理局, 安监局]
    email: [yingji@example.com]

# 指标分组（“六大攻坚仗”）：报告按此顺序分节；每个指标的 group 必须是其中之一
groups: [项目仗, 招商仗, 产业仗, 创新仗, 财税仗, 安全环保仗]

# 指标清单。kind（类型）决定怎样判断完成：
#   cumulative 累计金额、count 数量：完成率 = 1-N月累计 ÷ 目标，与序时进度（N/12）比较
#   growth 增速、share 占比：不按序时折算，达到目标即为完成
#   cap 控制上限：实际值不超过目标即可，超过即亮红灯
#   milestone 节点任务：按节点的计划完成月份检查是否逾期
indicators:
  # ---------------------------------------------------------------- 项目仗
  - id: fai                       # 指标编号：字母、数字、下划线，全表唯一（历史记录靠它对应，定下后不要改）
    name: 固定资产投资              # 指标名称，报告中原样显示
    kind: cumulative              # 累计金额类
    unit: 亿元                     # 目标与报告使用的单位；报表用万元等其他单位时自动换算
    target: 200                   # 确保目标（考核口径），亮灯和“双过半”按它判断
    stretch: 220                  # 力争目标，报告同时写出完成力争目标的比例；没有可省略
    owner: 经发局                  # 责任单位，须是 departments 中的名称或别名
    group: 项目仗                  # 所属分组，须在 groups 中
    note: 目标见《2024年经开区重点工作任务分解方案》   # 备注，可省略
    source:                       # 数据取自哪张表的哪一格
      file: 主要经济指标.xlsx       # 当月目录下的文件名（支持 .xlsx、.xls、.csv）
      # sheet 省略时读取第一个“可见”工作表（本表第一个工作表“上年数据”已隐藏，会被跳过）
      row: 固定资产投资             # 行：指标名称列中的文字（比较时忽略空格、换行和全角半角差别）
      column: "完成情况/1-{month}月累计"   # 列：表头文字；多行表头可写“上层/下层”；{month} 换成报告月份
    last_year:                    # 上年同期值，用于计算同比；只写 column 表示同一张表同一行的另一列
      column: 上年同期

  - id: industrial_investment
    name: 工业投资
    kind: cumulative
    unit: 亿元
    target: 80
    owner: 经发局
    group: 项目仗
    source: {file: 主要经济指标.xlsx, row: "其中：工业投资", column: "1-{month}月累计"}   # 也可只写下层表头
    last_year: {column: 上年同期}

  - id: key_project_investment
    name: 重点项目完成投资
    kind: cumulative
    unit: 亿元
    target: 150
    owner: 建设局
    group: 项目仗
    # 来自台账：对 ledgers.projects 中“1-N月累计完成”求和；where 为筛选条件（"!=前期" 表示排除前期项目）
    source: {ledger: projects, sum: completed, where: {建设性质: "!=前期"}}

  - id: new_starts
    name: 新开工项目
    kind: count                   # 数量类，默认单位“个”
    target: 100
    owner: 建设局
    group: 项目仗
    # 台账计数：count_where 中的条件全部满足才计入；started 为程序判断的“是否已开工”
    source: {ledger: projects, count_where: {建设性质: 新开工, started: true}}
    progress: plan                # 序时口径：month 按月（N/12，默认）/ day 按天 / plan 按下面的计划
    # 各月累计开工计划（12个数，对应1-12月）；与序时进度比较时用“截至本月计划数 ÷ 全年目标”
    plan: [4, 10, 22, 36, 48, 60, 70, 80, 88, 94, 98, 100]

  - id: big_industrial_starts
    name: 10亿元以上产业项目开工
    kind: count
    target: 15
    stretch: @BIG_TOTAL@
    owner: 经发局
    group: 项目仗
    # 条件写法：值（等于）、列表（任一）、">=10" 等比较、"~关键词"（包含）；金额按台账 amount_unit（亿元）比较
    source: {ledger: projects, count_where: {项目类别: 产业项目, 建设性质: 新开工, 总投资: ">=10", started: true}}

  - id: standard_factory
    name: 标准化厂房二期建设
    kind: milestone               # 节点任务类
    owner: 建设局
    group: 项目仗
    # 节点表：label_column 为节点所在列，column 为“完成情况”列（填 已完成/√/完成日期 视为完成）
    source: {file: 重点工作推进表.xlsx, label_column: 节点任务, column: 完成情况}
    milestones:                   # name 节点名称（与表中文字一致），due 计划完成月份
      - {name: 完成施工图审查, due: 2}
      - {name: 主体结构封顶, due: 5}
      - {name: 完成竣工验收, due: 9}
      - {name: 招商入驻率达到60%, due: 12}

  # ---------------------------------------------------------------- 招商仗
  - id: fdi
    name: 实到外资
    kind: cumulative
    unit: 万美元
    decimals: 0                   # 显示小数位数（默认：个/项等计数 0 位，金额 2 位）
    target: 8000
    stretch: 10000
    owner: 招商局
    group: 招商仗
    # 该表每行单位不同（见“计量单位”列），表头未注明单位时按 source.unit，再按指标 unit 读取
    source: {file: 招商引资完成情况.xls, row: 实到外资, column: "1-{month}月累计", unit: 万美元}
    last_year: {column: 上年同期}

  - id: domestic_capital
    name: 实际到位内资
    kind: cumulative
    unit: 亿元
    target: 160
    owner: 招商局
    group: 招商仗
    source: {file: 招商引资完成情况.xls, sheet: 招商引资, row: 实际到位内资, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: trade
    name: 外贸进出口总额
    kind: cumulative
    unit: 亿元
    target: 90
    owner: 招商局
    group: 招商仗
    source: {file: 招商引资完成情况.xls, row: 外贸进出口总额, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: signed_projects
    name: 签约亿元以上项目
    kind: count
    target: 22
    stretch: 25
    owner: 招商局
    group: 招商仗
    source: {file: 招商引资完成情况.xls, row: 签约亿元以上项目, column: "1-{month}月累计"}

  # ---------------------------------------------------------------- 产业仗
  - id: industrial_output
    name: 规上工业总产值
    kind: cumulative
    unit: 亿元
    target: 650
    owner: 经发局
    group: 产业仗
    source: {file: 主要经济指标.xlsx, row: 规上工业总产值, column: "完成情况/1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: iva_growth
    name: 规上工业增加值增速
    kind: growth                  # 增速类：实际增速达到目标即完成，不按序时折算
    target: 12                    # 目标增速（%）
    stretch: 13
    qualifier: 以上                # 以上：不低于目标；左右：与目标相差在 tolerance 个百分点内视为达到
    owner: 经发局
    group: 产业仗
    source: {file: 主要经济指标.xlsx, row: 规上工业增加值, column: 同比增长}   # 直接读取增速列（"12.6%"）

  - id: retail_sales
    name: 社会消费品零售总额
    kind: cumulative
    unit: 亿元
    target: 120
    owner: 经发局
    group: 产业仗
    source: {file: 主要经济指标.xlsx, row: 社会消费品零售总额, column: "1-{month}月累计"}
    yoy: {column: 同比增长}        # 表中已有同比增速时直接读取（代替 last_year 计算）

  - id: service_share
    name: 服务业增加值占比
    kind: share                   # 占比类：当期占比 − (基期占比 + 提高幅度)
    base: 45                      # 基期（上年）占比，%
    target: 3                     # 提高的百分点
    owner: 经发局
    group: 产业仗
    # percent_as_fraction：单元格存的是小数（0.484）、显示为百分比（48.4%）
    source: {file: 主要经济指标.xlsx, row: 服务业增加值占GDP比重, column: "1-{month}月累计", percent_as_fraction: true}

  - id: new_above_scale
    name: 新增规上工业企业
    kind: count
    unit: 家
    target: 30
    owner: 经发局
    group: 产业仗
    source: {file: 主要经济指标.xlsx, row: 新增规上工业企业数, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  # ---------------------------------------------------------------- 创新仗
  - id: rd_spending
    name: 研发经费投入
    kind: cumulative
    unit: 亿元                     # 表中为万元（“单位：万元”行），读取时换算为亿元
    target: 25
    owner: 科创局
    group: 创新仗
    source: {file: 科技创新指标.csv, row: 研发经费投入, column: "1-{month}月累计"}   # CSV 可为 GBK 或 UTF-8
    last_year: {column: 上年同期}

  - id: tech_contracts
    name: 技术合同成交额
    kind: cumulative
    unit: 亿元
    target: 15
    owner: 科创局
    group: 创新仗
    source: {file: 科技创新指标.csv, row: 技术合同成交额, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: hitech_firms
    name: 新增高新技术企业
    kind: count
    unit: 家
    target: 40
    owner: 科创局
    group: 创新仗
    plan: {3: 2, 6: 8, 9: 16, 12: 40}   # 按季度的累计计划（认定集中在四季度）；给出 plan 即按计划口径
    source: {file: 科技创新指标.csv, row: 新增高新技术企业, column: "1-{month}月累计"}

  - id: tech_smes
    name: 新增科技型中小企业
    kind: count
    unit: 家
    target: 150
    owner: 科创局
    group: 创新仗
    source: {file: 科技创新指标.csv, row: 新增科技型中小企业, column: "1-{month}月累计"}

  - id: invention_patents
    name: 发明专利授权量
    kind: count
    unit: 件
    target: 200
    owner: 科创局
    group: 创新仗
    source: {file: 科技创新指标.csv, row: 发明专利授权量, column: "1-{month}月累计"}

  - id: hitech_share
    name: 高新技术产业产值占比
    kind: share
    base: 52
    target: 2
    qualifier: 左右
    tolerance: 0.5                # “左右”的容差（个百分点）
    owner: 科创局
    group: 创新仗
    source: {file: 科技创新指标.csv, row: 高新技术产业产值占规上工业总产值比重, column: "1-{month}月累计"}

  - id: smart_park
    name: 智慧园区平台建设
    kind: milestone
    owner: 科创局
    group: 创新仗
    source: {file: 重点工作推进表.xlsx, sheet: 重点工作, label_column: 节点任务, column: 完成情况}
    milestones:
      - {name: 方案评审, due: 4, row: 完成建设方案评审}   # row：表中文字与 name 不同时填写
      - {name: 完成项目招标采购, due: 5}
      - {name: 一期平台上线试运行, due: 8}
      - {name: 平台通过竣工验收, due: 12}

  # ---------------------------------------------------------------- 财税仗
  - id: budget_revenue
    name: 一般公共预算收入
    kind: cumulative
    unit: 亿元                     # 财政表以万元填报（表头“（万元）”），自动换算
    target: 30
    stretch: 32
    owner: 财政局
    group: 财税仗
    progress: day                 # 预算类按“已过天数 ÷ 全年天数”计算序时进度
    source: {file: 财政收入.xlsx, sheet: 财政收入, row: 一般公共预算收入, column: "1-{month}月累计完成"}
    last_year: {column: 上年同期}

  - id: tax_growth
    name: 税收收入增长
    kind: growth
    target: 10
    owner: 财政局
    group: 财税仗
    # 给出 last_year 时，source 读取金额，增速 = 本期 ÷ 上年同期 − 1
    source: {file: 财政收入.xlsx, sheet: 财政收入, row: "其中：税收收入", column: "1-{month}月累计完成"}
    last_year: {column: 上年同期}

  - id: fund_revenue
    name: 政府性基金收入
    kind: cumulative
    unit: 亿元
    target: 20
    owner: 财政局
    group: 财税仗
    source: {file: 财政收入.xlsx, sheet: 财政收入, row: 政府性基金收入, column: "1-{month}月累计完成"}
    last_year: {column: 上年同期}

  - id: superior_funds
    name: 争取上级资金
    kind: cumulative
    unit: 亿元
    target: 8
    owner: 财政局
    group: 财税仗
    # label_column：行名称所在列（默认为“指标名称/指标/项目/名称”列，找不到时为第一个文字列）
    source: {file: 财政收入.xlsx, sheet: 争取上级资金, label_column: 资金类别, row: 合计, column: "1-{month}月累计争取"}

  # ---------------------------------------------------------------- 安全环保仗
  - id: accident_deaths
    name: 生产安全事故死亡人数
    kind: cap                     # 控制类：不超过目标即达标，一旦超过即亮红灯
    unit: 人
    target: 0
    owner: 应急局
    group: 安全环保仗
    source: {file: 安全生产与节能.xlsx, sheet: 安全生产, row: 生产安全事故死亡人数, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: major_accidents
    name: 较大及以上生产安全事故
    kind: cap
    unit: 起
    target: 0
    owner: 应急局
    group: 安全环保仗
    source: {file: 安全生产与节能.xlsx, sheet: 安全生产, row: 较大及以上生产安全事故起数, column: "1-{month}月累计"}
    last_year: 0                  # 上年同期也可直接写数值

  - id: energy_intensity
    name: 单位工业增加值能耗
    kind: cap
    unit: 吨标准煤/万元
    target: 0.52
    owner: 应急局
    group: 安全环保仗
    source: {file: 安全生产与节能.xlsx, sheet: 节能降耗, row: 单位工业增加值能耗, column: "1-{month}月"}

  - id: safety_inspections
    name: 安全生产检查企业
    kind: count
    unit: 家次
    target: 1200
    owner: 应急局
    group: 安全环保仗
    source: {file: 安全生产与节能.xlsx, sheet: 安全生产, row: 安全生产检查企业数, column: "1-{month}月累计"}
    last_year: {column: 上年同期}

  - id: eco_park
    name: 创建国家生态工业示范园区
    kind: milestone
    owner: 建设局
    group: 安全环保仗
    source: {file: 重点工作推进表.xlsx, label_column: 节点任务, column: 完成情况}
    milestones:
      - {name: 创建规划通过专家评审, due: 3, row: 完成创建规划编制并通过专家评审}
      - {name: 通过省级预审, due: 6}
      - {name: 完成创建指标自评估, due: 9}
      - {name: 通过国家技术核查, due: 11}

# 项目台账：按列读取每个项目，供 source.ledger 计数、求和，并生成“重点项目推进情况”
ledgers:
  projects:                       # 台账编号，指标中 source.ledger 引用它
    file: 重点项目进度表.xlsx       # 当月目录下的文件名
    sheet: 重点项目                 # 工作表名称（本文件另有隐藏的“下拉选项”表）
    title: 重点项目                 # 报告中对本台账的称呼
    owner: 经发局                   # 负责汇总报送本台账的单位（缺报提醒发给它）
    unit: 万元                     # 表头和“单位：”行都未注明单位时，金额按此单位读取
    amount_unit: 亿元               # 报告中台账金额的单位；条件中的金额（如 ">=10"）也按此单位比较
    # 开工率的分母：planned_to_date 截至本月计划开工的项目 / planned_this_year 全年计划新开工项目 /
    #              all_but_preliminary 除前期项目外的全部项目 / all 全部项目
    start_rate_base: planned_to_date
    preliminary: [前期, 储备]        # 这些“建设性质”视为前期项目，不计入开工考核
    columns:                        # 台账字段 → 表头文字（多行表头可写“上层/下层”，{month} 换成报告月份）
      name: 项目名称                 # 必填，其余可省略
      owner: 责任单位                # 可写全称或别名，按 departments 归并
      category: 项目类别             # 产业项目 / 基础设施 / 社会民生
      nature: 建设性质               # 新开工 / 续建 / 竣工 / 前期
      total_investment: 总投资
      annual_plan: 年度计划投资       # 投资完成率 = 1-N月累计完成 ÷ 年度计划投资
      completed: "1-{month}月累计完成"
      planned_start: 计划开工时间      # 日期可为 Excel 日期、2024.3、2024年3月、3月底 等
      actual_start: 实际开工时间       # 填日期或“已开工”即视为已开工
      progress: 形象进度
      issues: 存在问题
      leader: 包保领导

# 亮灯规则（差距 = 完成率 − 序时进度，单位：个百分点）
lights:
  profile: strict                 # strict：差距 ≥ 0 绿灯，−10 至 0 黄灯，低于 −10 红灯；lenient：宽松口径（−10 / −30）
  # green: 0                      # 可单独覆盖绿灯下限
  # yellow: -10                   # 可单独覆盖黄灯下限，低于它为红灯
  near: 2                         # 差距在此范围内表述为“略低于序时进度”
  severe: 10                      # 落后超过此值表述为“明显低于序时进度”

# 全区序时进度：month 按月（N/12，默认）/ day 按天 / {monthly: 10} 每月完成年度计划的10% / {plan: [...]} 各月累计%
progress: month
collective: 全区                  # 正文中本区的自称：全区 / 全县 / 全市 / 全园区

# 单位排名：默认按进度类指标（金额、数量）与各自序时进度的平均差距，与亮灯一致
ranking:
  by: gap                         # gap 平均差距（百分点）/ completion 平均完成率
  min_indicators: 2               # 进度类指标少于 2 项的单位列出但不排名
  red_line: mark                  # 突破底线（控制类指标）：mark 标注“底线” / veto 一票否决，排在最后
  # weights: {fai: 2}             # 按指标加权，未列出的权重为 1

# 督办升级：黄灯提醒；红灯或连续亮灯督办；连续红灯约谈
escalation:
  supervise_after_yellow_months: 2
  interview_after_red_months: 3

output:
  dir: @OUTPUT_DIR@               # 报告输出目录，每期生成一个子目录（如 2024-06/）
  precision: {rates: 1}           # 百分比、百分点的小数位：1 或 2（如 12.85%）；amounts 可按单位指定金额小数位
  excel:
    enabled: true                 # 是否生成 Excel 汇总表
    name: "{zone}{year}年{span}重点指标完成情况.xlsx"   # 文件名：{zone} 园区、{year} 年度、{span} 如“1-6月”
    template: @TEMPLATE@   # Excel 模板（相对本文件）：可在 Excel/WPS 中改样式；省略时使用内置格式
  word:
    enabled: true                 # 是否生成 Word 月度报告
    name: "{zone}{year}年{span}重点指标完成情况.docx"
    template: @WORD_TEMPLATE@   # Word 模板（docxtpl）：可在 Word/WPS 中改样式、调顺序；省略时使用内置模板
    title: "{zone}{year}年{span}重点指标完成情况通报"   # 报告标题
    issuer: 示范经开区经济发展局     # 落款单位，写在文末日期上方；可留空
    # 公文要素（均可省略，省略的不留痕迹）：版头、发文字号、主送机关、成文日期、版记
    masthead: 示范经开区经济发展局文件   # 发文机关标志（红色，下有红色分隔线）
    number: "示经发〔{year}〕{month}号"   # 发文字号
    recipients: 管委会各部门、各直属单位：   # 主送机关
    date: "workday:5"             # 成文日期：期末后第5个工作日（示例数据是往年的）；也可 first_run（首次生成日，重新生成不变）/ today / 2024-07-05
    cc: 管委会主任、副主任，纪工委    # 版记：抄送
    printed_by: 示范经开区经济发展局办公室   # 版记：印发机关
    printed_on: same              # 版记：印发日期（same 为与成文日期相同，或固定日期）
    key_indicators: [fai, industrial_investment, new_starts]   # 总体情况首段点名、并画逐月趋势图的指标
    notes: 存在问题及下步建议.txt   # 各月目录中由科室填写的文字（.txt 或 .docx），写入第五部分“下步建议”；没有该文件时跳过
    pdf: false                    # 同时转换 PDF（需安装 LibreOffice）；命令行 --format pdf 也可
    sections:                     # 各部分开关，false 表示不写这一部分（后续部分自动重新编号）
      overview: true              # 一、总体情况
      indicators: true            # 二、主要指标完成情况（正文分组段落；附件1 表格、完成率图、趋势图）
      projects: true              # 三、重点项目推进情况
      departments: true           # 四、各责任单位完成情况
      issues: true                # 五、存在问题及下步建议
  charts:
    enabled: true                 # 是否绘制图表（PNG 写入 charts/ 并插入 Word 报告）
    dpi: 200                      # 图片分辨率
    font: null                    # 图表中文字体：字体名或字体文件路径；省略时自动查找（微软雅黑、思源黑体、Noto Sans CJK 等）

# 定时运行：reportgen schedule --config 本文件（作为服务运行，见 README“定时运行”）
schedule:
  timezone: Asia/Shanghai
  state_dir: state                # 运行记录、邮件记录和定时任务保存在 state/reportgen.sqlite
  misfire_grace_hours: 24         # 停机错过时间后 24 小时内开机仍补跑一次
  holidays: []                    # chinese-calendar 尚未收录的年份：在此补充放假日期，如 [2027-01-01]
  workdays: []                    # 以及调休上班的周末，如 [2027-02-07]
  jobs:
    - name: 月度通报
      workday: 5                  # 每月第 5 个工作日（跳过国庆、春节等法定假日，调休上班日算工作日）
      time: "08:30"
      months_back: 1              # 报告上个月的数据
      send: true                  # 生成后按 mail 发送
      wait:
        retry_minutes: 60         # 有单位缺报时每 60 分钟再检查一次
        deadline_hours: 48        # 最多等 48 小时，之后照常生成并注明缺报
        remind: true              # 给缺报单位发催报邮件

# 邮件：reportgen send / run --send / 定时任务使用。密码不写在这里：放环境变量或 password_file
mail:
  host: smtp.example.gov.cn
  port: 465
  security: ssl                   # ssl（465）/ starttls（587）/ none（25）
  username: reportgen@example.gov.cn
  password_env: REPORTGEN_SMTP_PASSWORD
  sender: reportgen@example.gov.cn
  sender_name: 示范经开区经济发展局
  leaders: [zhuren@example.gov.cn]   # 收 Word 报告和全区汇总表
  admin: [it@example.gov.cn]         # 定时运行失败时收告警
  departments: true               # 各单位收本单位督办单（departments 中的 email）
  retries: 3                      # 临时失败重试次数，间隔 30、60、120 秒
  backoff_seconds: 30
"""


def write_configs():
    text = CONFIG.replace("@BIG_TOTAL@", str(BIG_TOTAL))
    for path, data_dir, out_dir, template in (
        (SAMPLES / "config.yaml", "data", "output", EXCEL_TEMPLATE),
        (ROOT / "config" / "example.yaml", "../reportgen/samples/data", "../output", "../" + EXCEL_TEMPLATE),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        body_text = text.replace("@DATA_DIR@", data_dir.ljust(15)).replace("@OUTPUT_DIR@", out_dir.ljust(14))
        body_text = body_text.replace("@TEMPLATE@", template).replace(
            "@WORD_TEMPLATE@", template.replace(EXCEL_TEMPLATE, WORD_TEMPLATE)
        )
        path.write_text("\n".join(line.rstrip() for line in body_text.splitlines()) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- summary
def summary():
    """Print what the generator put in the files for 2024-06 and 2024-09 (needs the package importable)."""
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(ROOT))
    from reportgen.config import load_config

    config = load_config(ROOT / "config" / "example.yaml")
    per = {
        "budget_revenue": 1e4,
        "tax_revenue": 1e4,
        "fund_revenue": 1e4,
        "superior_funds": 1e4,
        "rd_spending": 1e4,
        "tech_contracts": 1e4,
    }
    print(
        f"{'id':24}{'指标':14}{'kind':>11}{'目标':>8}{'2024-06':>12}{'完成率':>8}{'2024-09':>12}{'完成率':>8}"
    )
    for ind in config.indicators:
        key = "tax_revenue" if ind.id == "tax_growth" else ind.id
        if ind.kind == "milestone":
            task = next(t for t in TASKS if t[0] == ind.name)
            cells = [
                f"{sum(d is not None and d <= m for _, due, d, _ in task[2] if due <= m)}/"
                f"{sum(due <= m for _, due, _, _ in task[2])}节点"
                for m in (6, 9)
            ]
            print(f"{ind.id:24}{ind.name:14}{ind.kind:>11}{'':>8}{cells[0]:>12}{'':>8}{cells[1]:>12}")
            continue
        vals = [V[key][m - 1] / per.get(key, 1) for m in (6, 9)]
        if ind.id == "tax_growth":
            vals = [(V[key][m - 1] / LY[key][m - 1] - 1) * 100 for m in (6, 9)]
        rates = [f"{v / ind.target * 100:.1f}%" if ind.kind in ("cumulative", "count") else "" for v in vals]
        print(
            f"{ind.id:24}{ind.name:14}{ind.kind:>11}{ind.target:>8g}{vals[0]:>12.2f}{rates[0]:>8}"
            f"{vals[1]:>12.2f}{rates[1]:>8}"
        )
    for m in (6, 9):
        f = ledger_figures(m)
        print(
            f"{YEAR}-{m:02d} 台账：计划开工{f['planned_to_date']}个，已开工{f['started_of_planned']}个"
            f"（{f['started_of_planned'] / f['planned_to_date'] * 100:.1f}%），新开工合计{f['new_starts']}个，"
            f"逾期未开工{len(f['overdue'])}个"
        )


# Staff's own paragraphs for 五、存在问题及下步建议 (output.word.notes); other months have none.
NOTES = {
    6: "一是外贸进出口受海外订单回落影响，二季度增速放缓，经发局、招商局要加强对重点外贸企业的跟踪服务。\n"
    "二是政府性基金收入受土地出让节奏影响明显，财政局要会同建设局加快三宗经营性用地出让进度。\n"
    "三是对逾期未开工项目实行“一项目一专班”，7月底前逐个明确开工时间。\n",
    9: "一是全力冲刺四季度，各责任单位要对照全年目标逐项倒排，确保实现“全年红”。\n"
    "二是对仍未开工的重点项目，由分管领导牵头协调用地、环评等要素保障，10月底前完成开工。\n",
}


def main():
    for m in MONTHS:
        folder = SAMPLES / "data" / f"{YEAR}-{m:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        for write in (
            write_main,
            write_finance,
            write_invest,
            write_tech,
            write_safety,
            write_projects,
            write_tasks,
        ):
            write(m, folder)
    write_configs()
    save_xlsx(
        build_default_template(), ROOT / EXCEL_TEMPLATE
    )  # the stock templates, also written by `reportgen init`
    build_word_template(ROOT / WORD_TEMPLATE)
    build_word_template(ROOT / "reportgen" / "render" / "stock" / "月度报告.docx")  # packaged default
    for m, text in NOTES.items():
        (SAMPLES / "data" / f"{YEAR}-{m:02d}" / "存在问题及下步建议.txt").write_text(text, encoding="utf-8")
    print(
        f"已生成 {SAMPLES / 'data'}（{len(MONTHS)} 个月）、{SAMPLES / 'config.yaml'}、{ROOT / 'config' / 'example.yaml'}"
    )
    summary()


if __name__ == "__main__":
    main()
