"""Staff at the windows (亮证服务): a clerk signs in at the window caller with the staff number
and PIN of the hall file's staff list, and the controller shows who serves at each window.

The caller asks on `hall/<hall>/request/staff/<caller>` (sign in, sign out); the controller
checks the PIN against its salted hash, sets the window's clerk (every event of the window
names this clerk from then on) and publishes the window's clerk card retained on
`hall/<hall>/state/clerk/<window>`: staff number, name, title and photo, for the window screen
and the rating pad. A card without `staff_id` means nobody is signed in.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from hall_protocol.payload import MaskedText, Payload


class StaffSignIn(Payload):
    """Answered with Response(data=StaffCard without the photo); code `wrong_pin` (with the tries
    left), `locked` (too many wrong PINs: wait), `not_found` (no such staff number)."""

    action: Literal["sign_in", "sign_out"]
    window: int = Field(ge=1)
    staff_id: str | None = Field(None, pattern=r"^[A-Za-z0-9-]{1,20}$", description="sign_in: the staff number (工号)")
    pin: str | None = Field(None, pattern=r"^[0-9]{4,8}$", description="sign_in: the clerk's PIN (4-8 digits); "
                                                                      "never stored nor logged")
    request_id: MaskedText = Field(min_length=8, max_length=64, description="a retry with the same id is applied once")

    @model_validator(mode="after")
    def _sign_in_needs(self) -> "StaffSignIn":
        if self.action == "sign_in" and (not self.staff_id or not self.pin):
            raise ValueError("sign_in needs staff_id and pin")
        return self


class StaffCard(Payload):
    """Who serves at a window; retained, republished on every sign-in and sign-out."""

    hall: str
    window: int
    staff_id: str | None = Field(None, description="the staff number; None = nobody is signed in")
    name: str = ""
    name_en: str = ""
    title: str = ""
    title_en: str = ""
    photo_jpeg_b64: str | None = Field(None, max_length=300_000, description="the clerk's photo (JPEG or PNG, "
                                                                            "base64), for the window screen and pad")
    since: str | None = Field(None, description="ISO 8601: signed in at")
