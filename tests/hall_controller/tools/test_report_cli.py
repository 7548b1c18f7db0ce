"""`hall-report` on a real busy-day database: the table, CSV, the config file and clear errors."""
import csv
import io
import socket
import subprocess
import sys
from datetime import datetime

import pytest

from drivers.core.clock import FakeClock
from hall_controller.tools import report_cli
from tests.hall_controller.core.test_report import CST, DAY, busy_db  # noqa: F401  (fixture)
from tests.support.fixtures import EXAMPLE_HALL, ROOT


@pytest.fixture
def busy_url(busy_db):  # noqa: F811
    engine, _, done = busy_db
    return engine.url.render_as_string(hide_password=False), done


def run(argv, capsys, when=datetime(2026, 3, 2, 15, 0, tzinfo=CST)):
    code = report_cli.main(argv, clock=FakeClock(when))
    out, err = capsys.readouterr()
    return code, out, err


def test_table_as_a_real_process(busy_url):
    url, done = busy_url
    p = subprocess.run([sys.executable, "-m", "hall_controller.tools.report_cli", "--database", url, "--hall", "demo-hall",
                        "--from", DAY, "--by", "window"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert [ln.split()[0] for ln in lines if "号窗口" in ln] == ["1", "2", "3", "4"]
    total = next(ln for ln in lines if ln.startswith("合计"))
    assert total.split()[2] == str(done["issued"])
    assert "午休 Lunch" in p.stdout  # pause reasons


def test_csv_to_stdout_defaults_to_today_and_matches_the_day(busy_url, capsys):
    url, done = busy_url
    code, out, _ = run(["--database", url, "--hall", "demo-hall", "--by", "hour", "--csv", "-"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[-1]["hour"] == "total" and int(rows[-1]["issued"]) == done["issued"]
    assert [r["hour"] for r in rows[:2]] == ["08:00-09:00", "09:00-10:00"]
    assert sum(int(r["issued"]) for r in rows[:-1]) == done["issued"]
    code, out, _ = run(["--database", url, "--hall", "demo-hall", "--csv", "-"], capsys,
                       when=datetime(2026, 3, 3, 9, 0, tzinfo=CST))
    assert list(csv.DictReader(io.StringIO(out)))[-1]["issued"] == "0"  # the next day is empty


def test_config_gives_names_and_relative_database(busy_url, tmp_path, capsys):
    url, done = busy_url
    db_file = url[len("sqlite:///"):]
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "hall.db").symlink_to(db_file)
    text = EXAMPLE_HALL.read_text(encoding="utf-8").replace("sqlite:///hall-state/hall.db", "sqlite:///state/hall.db")
    (tmp_path / "hall.toml").write_text(text, encoding="utf-8")
    out_csv = tmp_path / "out.csv"
    code, _, err = run(["--config", str(tmp_path / "hall.toml"), "--from", DAY, "--to", DAY, "--csv", str(out_csv)], capsys)
    assert code == 0 and "wrote 4 rows" in err
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert [r["service"] for r in rows] == ["A 综合受理", "B 社保医保", "C 不动产", "D 企业开办", "total"]
    code, out, _ = run(["--config", str(tmp_path / "hall.toml"), "--from", DAY, "--by", "clerk"], capsys)
    assert code == 0 and out.startswith("示范区政务服务中心 2026-03-02") and "王芳" in out


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-02-30"], "--from: '2026-02-30' is not a date (YYYY-MM-DD)"),
    (["--from", "2026-03-05", "--to", "2026-03-01"], "--from 2026-03-05 is after --to 2026-03-01"),
    (["--hall", "nope"], "unknown hall 'nope'; the database knows demo-hall"),
])
def test_bad_input_is_named(busy_url, capsys, args, message):
    url, _ = busy_url
    argv = ["--database", url, "--hall", "demo-hall"] + args
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "") and message in err


def test_unreachable_or_missing_database(tmp_path, capsys):
    code, _, err = run(["--database", f"postgresql+psycopg://postgres:secret@127.0.0.1:{_closed_port()}/x",
                        "--hall", "h"], capsys)
    assert code == 2 and "cannot open the database postgresql+psycopg://postgres:***@127.0.0.1" in err
    assert "secret" not in err
    code, _, err = run(["--database", f"sqlite:///{tmp_path}/none.db", "--hall", "h"], capsys)
    assert code == 2 and f"database file {tmp_path}/none.db does not exist" in err
    assert not (tmp_path / "none.db").exists()
    code, _, err = run(["--config", str(tmp_path / "missing.toml")], capsys)
    assert code == 78 and "configuration file not found" in err
