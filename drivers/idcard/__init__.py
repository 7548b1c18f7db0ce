"""Resident ID card reader speaking the SAM serial protocol (GA 467).

Layers: `protocol` (pure frame functions), `cards` (the 256-byte text block),
`reader` (the device service), `emulator` (a protocol-accurate virtual reader).
"""
from drivers.idcard.cards import CardPhoto, CardType, IdCard, mask_id, parse_text_block
from drivers.idcard.errors import IdCardError

__all__ = ["CardPhoto", "CardType", "IdCard", "IdCardError", "mask_id", "parse_text_block"]
