"""Issue 10 (6–8): safe file names, sandboxed templates, and `validate` agreeing with `run`/`send`.

Real files under tmp_path and the CLI: every failure is one Chinese line and exit 1, never a traceback.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from test_cli import CONFIG, make_project

from reportgen.cli import main
from reportgen.filenames import UnsafeName, safe_name

NO_CHARTS = "\noutput:\n  charts: {enabled: false}\n"


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


def project(tmp_path: Path, extra: str = "", fdi: object = 5000, replace: dict | None = None) -> Path:
    root = tmp_path / "zone"
    config = make_project(root, fdi=fdi)
    text = CONFIG
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    config.write_text(text + (extra or NO_CHARTS), encoding="utf-8")
    return config


@pytest.mark.parametrize(
    "name, expected",
    [
        ("测试经开区", "测试经开区"),
        ("招商局（二）", "招商局（二）"),
        ("../../x", ".._.._x"),
        ("a\\b/c", "a_b_c"),
        ('a:b*c?d"e<f>g|h', "a_b_c_d_e_f_g_h"),
        ("CON", "_CON"),
        ("nul.xlsx", "_nul.xlsx"),
        ("com1", "_com1"),
        ("LPT9.docx", "_LPT9.docx"),
        ("CONSOLE", "CONSOLE"),
        ("经发局. ", "经发局"),
        ("经发\x00局\t", "经发_局"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


@pytest.mark.parametrize("name", ["..", "/", " . ", "../..", ""])
def test_names_with_nothing_left_are_refused(name):
    with pytest.raises(UnsafeName):
        safe_name(name)


def test_department_name_cannot_leave_the_output_folder(tmp_path, capsys):
    extra = '\noutput:\n  charts: {enabled: false}\n  excel: {department_name: "{department}.xlsx"}\n'
    config = project(tmp_path, extra, replace={"招商局": "../../x"})
    before = files_under(tmp_path)
    code, out, err = cli(capsys, "run", "-c", config, "-p", "2024-09")
    assert code == 0, err
    written = files_under(tmp_path) - before
    output = tmp_path / "zone" / "output"
    assert written and all(output in p.parents for p in written)
    departments = {p.name for p in (output / "2024-09" / "departments").iterdir()}
    assert departments == {"经发局.xlsx", ".._.._x.xlsx"}


def test_department_pattern_escaping_the_folder_is_a_config_error(tmp_path, capsys):
    extra = '\noutput:\n  charts: {enabled: false}\n  excel: {department_name: "../{department}.xlsx"}\n'
    config = project(tmp_path, extra)
    before = files_under(tmp_path)
    for command in ("validate", "run"):
        code, _, err = cli(capsys, command, "-c", config, "-p", "2024-09")
        assert code == 1
        assert "output.excel.department_name" in err and "路径分隔符" in err
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("zone", ["..", "/", " "])
def test_zone_that_cannot_be_a_file_name_is_refused(tmp_path, capsys, zone):
    config = project(tmp_path, replace={"zone: 测试经开区": f'zone: "{zone}"'})
    code, _, err = cli(capsys, "validate", "-c", config)
    assert code == 1 and "zone" in err and "不能用作文件名" in err


def test_departments_whose_file_names_collide_are_refused(tmp_path, capsys):
    config = project(
        tmp_path, replace={"departments: [经发局, 招商局]": "departments: [经发局, 招商局, 招商/局, 招商:局]"}
    )
    code, _, err = cli(capsys, "validate", "-c", config)
    assert code == 1 and "departments" in err and "互相覆盖" in err


@pytest.mark.parametrize(
    "extra, key",
    [
        ('\noutput:\n  excel: {name: "{nope}.xlsx"}\n', "output.excel.name"),
        ('\noutput:\n  word: {name: "{zone}{nope}.docx"}\n', "output.word.name"),
        ('\noutput:\n  word: {title: "{zone}{nope}通报"}\n', "output.word.title"),
        ('\noutput:\n  excel: {department_name: "{dept}.xlsx"}\n', "output.excel.department_name"),
        ('\ndata: {period_dir: "{year}/{nope}"}\n', "data.period_dir"),
        (
            '\nmail: {host: 127.0.0.1, sender: a@b.cn, leaders: [c@d.cn], subject: "{zone}{nope}"}\n',
            "mail.subject",
        ),
        ('\noutput:\n  excel: {name: "{zone.__class__}.xlsx"}\n', "output.excel.name"),
    ],
)
def test_unknown_placeholders_are_config_errors(tmp_path, capsys, extra, key):
    config = project(tmp_path, extra)
    for command in ("validate", "run"):
        code, _, err = cli(capsys, command, "-c", config, "-p", "2024-09")
        assert code == 1 and key in err and "未知的占位符" in err and ("{zone}" in err or "{year}" in err)
        assert len([line for line in err.splitlines() if line.startswith("错误")]) == 1
    assert not (tmp_path / "zone" / "output").exists()


def word_template(path: Path, line: str) -> Path:
    """The stock template with one more paragraph."""
    from docx import Document

    from reportgen.render.word import default_template_bytes

    doc = Document(io.BytesIO(default_template_bytes()))
    doc.add_paragraph(line)
    doc.save(str(path))
    return path


ATTACKS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('echo PWNED-$((6*7))').read() }}",
    "{{ ''|attr('__class__') }}",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_template_reaching_python_internals_is_refused_by_validate_and_run(tmp_path, capsys, attack):
    template = word_template(tmp_path / "模板.docx", f"结果：{attack}")
    config = project(tmp_path, f"\noutput:\n  charts: {{enabled: false}}\n  word: {{template: {template}}}\n")
    code, _, err = cli(capsys, "validate", "-c", config)
    assert code == 1 and "Word 模板 模板.docx" in err and "沙箱" in err and "个标签" in err
    assert "__" in err and "{{" in err  # the tag's text
    code, out, err = cli(capsys, "run", "-c", config, "-p", "2024-09")
    assert code == 1 and "沙箱" in err and "PWNED-42" not in out + err
    assert not list((tmp_path / "zone").rglob("*.docx"))[1:]  # only the template itself
    for p in (tmp_path / "zone").rglob("*"):
        assert not p.is_file() or b"PWNED-42" not in p.read_bytes()


def test_sandbox_refusal_found_only_by_rendering(tmp_path, capsys):
    """Not visible in the tags' text (no "_" name): validate fills the template in the sandbox, as run does."""
    template = word_template(tmp_path / "模板.docx", "{{ notes.append('x') }}")
    config = project(tmp_path, f"\noutput:\n  charts: {{enabled: false}}\n  word: {{template: {template}}}\n")
    code, _, err = cli(capsys, "validate", "-c", config)
    assert code == 1 and "沙箱" in err and "append" in err and "notes.append" in err
    code, _, err = cli(capsys, "run", "-c", config, "-p", "2024-09")
    assert code == 1 and "沙箱" in err and "append" in err


def test_email_bodies_render_in_the_sandbox():
    from jinja2.exceptions import SecurityError

    from reportgen.render.email import render

    assert render("{{ a }}", a="经发局")[0] == "经发局"
    with pytest.raises(SecurityError):
        render("{{ a.__class__ }}", a="x")


def test_word_template_without_styles_fails_validate(tmp_path, capsys):
    from reportgen.render.word import default_template_bytes

    src = zipfile.ZipFile(io.BytesIO(default_template_bytes()))
    template = tmp_path / "坏模板.docx"
    with zipfile.ZipFile(template, "w") as z:
        for info in src.infolist():
            if info.filename != "word/styles.xml":
                z.writestr(info, src.read(info.filename))
    config = project(tmp_path, f"\noutput:\n  charts: {{enabled: false}}\n  word: {{template: {template}}}\n")
    for command in ("validate", "run"):
        code, _, err = cli(capsys, command, "-c", config, "-p", "2024-09")
        assert code == 1 and "坏模板.docx" in err


MAIL = """
mail:
  host: 127.0.0.1
  port: 1
  username: user
  password_file: {password}
  sender: report@example.cn
  leaders: [leader@example.cn]
  retries: 0
output:
  charts: {{enabled: false}}
"""


@pytest.mark.parametrize(
    "content, says",
    [("密码123".encode("gbk"), "GBK"), (b"\xff\xfe\x00\xd8\x00\xdc", "既不是 UTF-8 也不是 GBK")],
)
def test_password_file_not_utf8_is_one_line(tmp_path, capsys, content, says):
    password = tmp_path / "smtp.txt"
    password.write_bytes(content)
    config = project(tmp_path, MAIL.format(password=password))
    code, _, err = cli(capsys, "validate", "-c", config)
    assert code == 1 and "mail.password_file" in err and says in err and "UTF-8" in err
    assert cli(capsys, "run", "-c", config, "-p", "2024-09")[0] == 0
    code, _, err = cli(capsys, "send", "-c", config, "-p", "2024-09")
    assert code == 1 and "mail.password_file" in err and says in err
    assert len(err.strip().splitlines()) == 1


def test_password_file_in_utf8_with_bom_is_read(tmp_path):
    from reportgen.deliver.mail import read_password_file

    path = tmp_path / "smtp.txt"
    path.write_bytes("\ufeff密码123\n".encode())
    assert read_password_file(path) == "密码123"


def test_placeholder_cell_is_a_notice_unless_strict(tmp_path, capsys):
    config = project(tmp_path, fdi="—")
    code, out, err = cli(capsys, "validate", "-c", config, "-p", "2024-09")
    assert code == 0 and "提示：" in err and "—" in err and "错误" not in err and "配置有效" in out
    code, _, err = cli(capsys, "validate", "-c", config, "-p", "2024-09", "--strict")
    assert code == 1 and "错误：" in err and "—" in err
