"""Synthetic personal data for the privacy tests: valid-looking numbers of every kind the suite
masks, from seeded generators (drivers/idcard/synthetic.py), never a real person's."""
from __future__ import annotations

import random

from drivers.idcard.synthetic import generate_card


def id_numbers(seed: int = 0) -> dict[str, str]:
    """One number of each identity document kind, keyed by kind."""
    out = {kind: generate_card(kind, seed).card.id_number
           for kind in ("resident", "permit_hmt", "foreigner_2017", "foreigner_2023")}
    resident = out["resident"]
    out["resident_15"] = resident[:6] + resident[8:14] + resident[14:17]  # the pre-1999 form
    return out


def phone_number(seed: int = 0) -> str:
    """11 digits starting with 1; the 100 prefix is no mobile network's, so it belongs to nobody."""
    rng = random.Random(f"phone:{seed}")
    return "100" + "".join(str(rng.randrange(10)) for _ in range(8))


def personal_numbers(seed: int = 0) -> dict[str, str]:
    return {**id_numbers(seed), "phone": phone_number(seed)}
