"""Property tests: configuration parsing and the pose geometry."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from drivers.face import Face, FaceConfig, FaceConfigError, estimate_pose

values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                   st.lists(st.text(max_size=4), max_size=3))
keys = st.one_of(st.sampled_from(sorted(FaceConfig.__dataclass_fields__)), st.text(max_size=12))


@given(st.dictionaries(keys, values, max_size=4))
def test_config_returns_a_config_or_raises_face_config_error(data):
    try:
        config = FaceConfig.from_mapping(data)
    except FaceConfigError as err:
        assert "face." in str(err)
    else:
        assert isinstance(config, FaceConfig)


FRONTAL = np.array([100, 100, 100, 120, 125, 140, 175, 140, 150, 165, 130, 190, 170, 190, 0.9], np.float32)


@given(st.floats(-200, 200), st.floats(-200, 200), st.floats(0.3, 3.0), st.floats(-40, 40))
def test_pose_ignores_shift_scale_and_in_plane_rotation(dx, dy, scale, degrees):
    points = FRONTAL[4:14].reshape(5, 2).astype(np.float64)
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = (points - 150) @ rotation.T * scale + 150 + np.array([dx, dy])
    row = FRONTAL.copy()
    row[4:14] = moved.reshape(-1)
    before, after = estimate_pose(Face(FRONTAL)), estimate_pose(Face(row))
    assert abs(after.yaw - before.yaw) < 1e-3 and abs(after.pitch - before.pitch) < 1e-3
    assert abs(after.roll - before.roll - degrees) < 1e-2
