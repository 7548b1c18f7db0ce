"""The signing rules of docs/backend.md, with its test vector, and ID masking."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, strategies as st

from hall_controller.backend.signing import canonical_query, canonical_string, mask_id, sign, verify

DOC = Path(__file__).resolve().parents[3] / "docs" / "backend.md"
VECTOR = "f5b8562ba3aadad845be9624d0fa3d13fac70fe2cc91a5c57e82e3ddb1c9313c"


def test_the_documented_test_vector() -> None:
    c = canonical_string("POST", "/api/v1/ratings", "b=2&a=1&a=0", "1767580200",
                         "3f2a9c0e5b7d4e61a8c2f0b9d1e3a5c7", b'{"score":5}')
    assert sign("demo-secret", c) == VECTOR
    assert VECTOR in DOC.read_text(encoding="utf-8")


def test_query_is_sorted_and_reencoded() -> None:
    assert canonical_query("b=2&a=1&a=0") == "a=0&a=1&b=2"
    assert canonical_query("q=a+b&r=%E4%BA%8B") == "q=a%20b&r=%E4%BA%8B"
    assert canonical_query("") == ""


@given(st.binary(max_size=64), st.text(min_size=1, max_size=20))
def test_any_change_of_the_body_breaks_the_signature(body: bytes, secret: str) -> None:
    c = canonical_string("POST", "/x", "", "1", "n", body)
    assert verify(secret, c, sign(secret, c))
    assert not verify(secret, canonical_string("POST", "/x", "", "1", "n", body + b"!"),
                      sign(secret, c))


def test_mask_id() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"  # the one rule: first 6, last 4
    assert mask_id("1234") == "****"
