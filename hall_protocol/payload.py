"""The base of every payload model of the contract: unknown fields are refused; and the text
type of what people type freely."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from privacy import mask_text

# Free text a person types that nobody downstream needs as typed (a pause reason, a clerk's id, a
# reprint reason) and the opaque request ids a device makes up: whatever in it is shaped like an ID
# or phone number is masked on arrival, so it is never stored, published on a board, sent to the
# platform or logged in full (a request id stays a stable key: the same id masks the same way). Not
# used for what selects something at the platform (ID number, appointment code, licence and matter
# ids) nor for the rating comment, which the platform receives as the citizen wrote it.
MaskedText = Annotated[str, AfterValidator(mask_text)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")
