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
