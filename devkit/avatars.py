"""Synthetic staff photos for the demo and the tests: a drawn head-and-shoulders figure on a
uniform-blue background, like an ID photo, in a colour of its own per staff number (no real
person's picture anywhere)."""
from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

SKIN = [(241, 204, 170), (224, 184, 150), (198, 156, 120)]
HAIR = [(30, 28, 26), (52, 40, 30), (70, 60, 55)]


def avatar_jpeg(staff_id: str, size: tuple[int, int] = (300, 400)) -> bytes:
    h = hashlib.sha256(staff_id.encode()).digest()
    w, ht = size
    img = Image.new("RGB", size, (66, 120, 196))
    d = ImageDraw.Draw(img)
    skin, hair = SKIN[h[0] % 3], HAIR[h[1] % 3]
    shirt = (235, 238, 242)
    jacket = [(28, 48, 84), (40, 40, 48), (60, 70, 90)][h[2] % 3]
    # shoulders and jacket, collar, head, hair
    d.ellipse((int(w * .05), int(ht * .68), int(w * .95), int(ht * 1.25)), fill=jacket)
    d.polygon([(w * .40, ht * .70), (w * .5, ht * .86), (w * .60, ht * .70)], fill=shirt)
    d.rectangle((int(w * .43), int(ht * .55), int(w * .57), int(ht * .72)), fill=skin)
    d.ellipse((int(w * .28), int(ht * .18), int(w * .72), int(ht * .62)), fill=skin)
    d.chord((int(w * .26), int(ht * .12), int(w * .74), int(ht * .50)), 180, 360, fill=hair)
    for x in (.41, .59):  # eyes
        d.ellipse((int(w * x) - 6, int(ht * .40) - 5, int(w * x) + 6, int(ht * .40) + 5), fill=(40, 30, 30))
    d.arc((int(w * .43), int(ht * .46), int(w * .57), int(ht * .54)), 20, 160, fill=(150, 80, 70), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()
