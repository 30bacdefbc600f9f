"""`flask listings import FILE --kind KIND --as EMAIL`: report, exit codes, who may run it."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import Technology
from tests.portal.imports.sample_files import BROKEN_ROW, ROWS, technologies_csv


def run_import(runner: FlaskCliRunner, path: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(args=["listings", "import", str(path), "--kind", "technology", *options])
    return result.exit_code, result.output


def technology_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Technology)) or 0


def test_the_command_imports_and_reports(
    runner: FlaskCliRunner, people: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "成果.csv"
    path.write_bytes(technologies_csv(encoding="gbk"))
    code, output = run_import(runner, path, "--as", "broker@test.xm", "--dry-run")
    assert code == 0 and "dry run: 3 rows would be imported" in output
    assert "encoding: gb18030" in output and technology_count() == 0
    code, output = run_import(runner, path, "--as", "BROKER@test.xm")
    assert code == 0 and "imported: 3 drafts" in output and technology_count() == 3


def test_rejected_rows_are_listed_and_exit_1(
    runner: FlaskCliRunner, people: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "成果.csv"
    path.write_bytes(technologies_csv(ROWS[0], BROKEN_ROW, ROWS[1].replace("厦门大学", "新研究院")))
    code, output = run_import(runner, path, "--as", "broker@test.xm")
    assert code == 1 and technology_count() == 0
    assert "row 3: " in output and "技术成熟度：" in output and "row 4: " in output
    assert "rejected: 2 rows; nothing imported" in output
    path.write_bytes(technologies_csv(ROWS[0], ROWS[1].replace("厦门大学", "新研究院")))
    code, output = run_import(runner, path, "--as", "admin@test.xm", "--create-orgs")
    assert code == 0 and "organizations created: 新研究院" in output and technology_count() == 2


def test_only_staff_accounts_may_import(
    runner: FlaskCliRunner, people: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "成果.csv"
    path.write_bytes(technologies_csv())
    code, output = run_import(runner, path, "--as", "researcher@test.xm")
    assert code == 1 and "may not import" in output
    code, output = run_import(runner, path, "--as", "nobody@test.xm")
    assert code == 1 and "no account" in output
    assert technology_count() == 0


def test_unreadable_files_fail_with_the_reason(
    runner: FlaskCliRunner, people: dict[str, User], tmp_path: Path
) -> None:
    path = tmp_path / "setup.csv"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\xff\xff" * 32)
    code, output = run_import(runner, path, "--as", "broker@test.xm")
    assert code == 1 and "编码" in output
