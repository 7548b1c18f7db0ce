from pathlib import Path

import pytest

from config import ConfigError, HallSuiteConfig, KioskConfig, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_examples_are_valid():
    hall = load_config(ROOT / "config/examples/hall.toml", HallSuiteConfig)
    assert [s.code for s in hall.halls[0].services] == ["A", "B", "C", "D"]
    assert load_config(ROOT / "config/examples/kiosk.toml", KioskConfig).hall == "demo-hall"


def write(tmp_path, text: str) -> Path:
    p = tmp_path / "hall.toml"
    p.write_text(text, "utf-8")
    return p


BASE = (ROOT / "config/examples/hall.toml").read_text("utf-8")


def test_unknown_key_names_file_and_key(tmp_path):
    p = write(tmp_path, BASE.replace("[broker]", "[broker]\ncolour = 'red'"))
    with pytest.raises(ConfigError) as e:
        load_config(p, HallSuiteConfig)
    assert str(p) in str(e.value) and "unknown key 'broker.colour'" in str(e.value)


def test_wrong_type_says_what_was_expected(tmp_path):
    p = write(tmp_path, BASE.replace("port = 1883", 'port = "eighteen"'))
    with pytest.raises(ConfigError) as e:
        load_config(p, HallSuiteConfig)
    msg = str(e.value)
    assert "broker.port" in msg and "integer" in msg and "eighteen" in msg


def test_nested_key_path_and_consistency(tmp_path):
    p = write(tmp_path, BASE.replace("services = { A = 1.0, B = 0.5 }", "services = { A = 1.0, Z = 0.5 }"))
    with pytest.raises(ConfigError) as e:
        load_config(p, HallSuiteConfig)
    assert "halls[0]" in str(e.value) and "unknown services ['Z']" in str(e.value)


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", HallSuiteConfig)
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "halls = [ oops"), HallSuiteConfig)


def test_missing_required_key(tmp_path):
    with pytest.raises(ConfigError, match="missing key 'halls'"):
        load_config(write(tmp_path, "controller_id = 'x'\n"), HallSuiteConfig)


def test_a_device_id_names_one_device_across_the_halls(tmp_path):
    second = BASE[BASE.index("[[halls]]"):].replace('id = "demo-hall"', 'id = "other-hall"', 1)
    with pytest.raises(ConfigError, match="unique across the halls, got .*kiosk-01"):
        load_config(write(tmp_path, BASE + "\n" + second), HallSuiteConfig)


def test_broker_tls_keys_are_checked_and_reach_the_endpoint(tmp_path):
    with pytest.raises(ConfigError, match="broker.*tls = true needs ca_file"):
        load_config(write(tmp_path, BASE.replace("[broker]", "[broker]\ntls = true")), HallSuiteConfig)
    with pytest.raises(ConfigError, match="used with tls = true only"):
        load_config(write(tmp_path, BASE.replace("[broker]", "[broker]\nca_file = 'ca.crt'")), HallSuiteConfig)
    with pytest.raises(ConfigError, match="cert_file and key_file go together"):
        load_config(write(tmp_path, BASE.replace("[broker]", "[broker]\ntls = true\nca_file = 'ca.crt'\n"
                                                             "cert_file = 'me.crt'")), HallSuiteConfig)
    cfg = load_config(write(tmp_path, BASE.replace("[broker]", "[broker]\ntls = true\nca_file = '/etc/hall/ca.crt'\n"
                                                               "cert_file = 'me.crt'\nkey_file = 'me.key'")),
                      HallSuiteConfig)
    conn = cfg.broker.connection("hall-controller", "pw")
    assert (conn.username, conn.password, conn.tls.ca_file, conn.tls.cert_file, conn.tls.key_file) == \
        ("hall-controller", "pw", "/etc/hall/ca.crt", "me.crt", "me.key")
    plain = load_config(write(tmp_path, BASE), HallSuiteConfig).broker.connection("kiosk-01")
    assert plain.tls is None and plain.username == "kiosk-01"


def test_config_readme_is_generated_from_the_schemas():
    from pathlib import Path

    from config.reference import SECTIONS, render
    root = Path(__file__).resolve().parents[2]
    assert (root / "config" / "README.md").read_text("utf-8") == render(), \
        "config/README.md is stale: run `python -m config.reference > config/README.md`"
    from config import schema
    documented = {m for _, m in SECTIONS}
    models = {v for v in vars(schema).values() if isinstance(v, type) and issubclass(v, schema.Strict)
              and v is not schema.Strict}
    assert models <= documented, f"configuration tables missing from config/README.md: {models - documented}"


# -- strict types: nothing is converted, the message says what the file should say ------------
def _refusal(tmp_path, old: str, new: str, model=HallSuiteConfig, base: str = BASE) -> str:
    assert old in base, f"the example no longer has {old!r}: the test would prove nothing"
    p = write(tmp_path, base.replace(old, new, 1))
    with pytest.raises(ConfigError) as e:
        load_config(p, model)
    msg = str(e.value)
    assert msg.startswith(f"{p}: key "), msg  # the file, then the key
    return msg


def test_a_port_written_as_a_string_is_refused(tmp_path):
    msg = _refusal(tmp_path, "port = 1883", 'port = "1883"')
    assert "'broker.port'" in msg and "expected an integer" in msg and "got the string '1883'" in msg


@pytest.mark.parametrize("value", ["1883.0", "1883.5"])
def test_a_port_written_as_a_float_is_refused_not_truncated(tmp_path, value):
    msg = _refusal(tmp_path, "port = 1883", f"port = {value}")
    assert "'broker.port'" in msg and "expected an integer" in msg and f"got the float {value}" in msg


@pytest.mark.parametrize("value, got", [('"true"', "got the string 'true'"), ("1", "got the integer 1")])
def test_a_boolean_must_be_true_or_false(tmp_path, value, got):
    msg = _refusal(tmp_path, 'voice_lang = ["zh"]', f'voice_lang = ["zh"]\nspeech_enabled = {value}')
    assert "'halls[0].speech_enabled'" in msg and "true or false" in msg and got in msg


def test_a_number_is_not_text_nor_text_a_number(tmp_path):
    msg = _refusal(tmp_path, 'avg_service_min = 6', 'avg_service_min = "6"')
    assert "'halls[0].services[0].avg_service_min'" in msg and "expected a number" in msg
    msg = _refusal(tmp_path, 'id = "kiosk-01"', "id = 1")
    assert "'halls[0].devices[0].id'" in msg and "expected a string" in msg and "got the integer 1" in msg
    msg = _refusal(tmp_path, "services = { A = 1.0, B = 0.5 }", 'services = { A = "1", B = 0.5 }')
    assert "'halls[0].windows[0].services.A'" in msg and "expected a number" in msg
    msg = _refusal(tmp_path, "timeout_s = 5.0", "timeout_s = true")
    assert "'backend.timeout_s'" in msg and "got the boolean true" in msg


@pytest.mark.parametrize("value, got", [('"04:00"', "got the string '04:00'"),
                                        ("1979-05-27T07:32:00", "got the date-time 1979-05-27T07:32:00")])
def test_a_time_is_a_toml_time(tmp_path, value, got):
    msg = _refusal(tmp_path, "day_starts_at = 00:00:00", f"day_starts_at = {value}")
    assert "'halls[0].day_starts_at'" in msg and "e.g. 08:00:00" in msg and got in msg


def test_a_toml_time_and_an_integer_for_a_float_are_accepted(tmp_path):
    p = write(tmp_path, BASE.replace("day_starts_at = 00:00:00", "day_starts_at = 04:30:00")
              .replace("timeout_s = 5.0", "timeout_s = 5"))
    cfg = load_config(p, HallSuiteConfig)
    assert cfg.halls[0].day_starts_at.isoformat() == "04:30:00" and cfg.backend.timeout_s == 5.0
    assert cfg.halls[0].services[0].avg_service_min == 6.0  # written `avg_service_min = 6`


@pytest.mark.parametrize("zone", ["Asia/Shang", "asia/shanghai", "Asia", "", "/etc/localtime", "zone.tab"])
def test_an_unknown_time_zone_is_refused_at_load(tmp_path, zone):
    msg = _refusal(tmp_path, 'timezone = "Asia/Shanghai"', f'timezone = "{zone}"')
    assert "'halls[0].timezone'" in msg and "not a known IANA time zone" in msg and "Asia/Shanghai" in msg
    assert "Traceback" not in msg and "ZoneInfo" not in msg


def test_another_known_zone_is_accepted(tmp_path):
    p = write(tmp_path, BASE.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Urumqi"'))
    assert load_config(p, HallSuiteConfig).halls[0].timezone == "Asia/Urumqi"


def test_the_kiosk_file_is_strict_too(tmp_path):
    kiosk = (ROOT / "config/examples/kiosk.toml").read_text("utf-8")
    msg = _refusal(tmp_path, "idle_timeout_s = 60", 'idle_timeout_s = "60"', KioskConfig, kiosk)
    assert "'idle_timeout_s'" in msg and "expected a number" in msg
    msg = _refusal(tmp_path, "port = 1883", "port = 1883.0", KioskConfig, kiosk)
    assert "'broker.port'" in msg and "expected an integer" in msg


def test_the_controller_refuses_a_string_port_with_the_message_not_a_traceback(tmp_path):
    import subprocess
    import sys
    p = write(tmp_path, BASE.replace("port = 1883", 'port = "1883"'))
    run = subprocess.run([sys.executable, "-m", "hall_controller", "--config", str(p)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 78, run.stderr
    assert f"{p}: key 'broker.port': expected an integer" in run.stderr and "Traceback" not in run.stderr


def test_opening_hours_close_after_they_open(tmp_path):
    msg = _refusal(tmp_path, "avg_service_min = 6",
                   "avg_service_min = 6\n    [[halls.services.hours]]\n    opens = 12:00:00\n    closes = 08:30:00")
    assert "'halls[0].services[0].hours[0]'" in msg and "must be after opens" in msg, msg
