"""Smart cards over PC/SC: social security cards, contactless UIDs, the resident ID card UID.

Layers: `apdu` (pure APDU and field codecs), `records` (the social security card's
records), `transport` (PC/SC through pyscard), `reader` (the device service),
`emulator` (a card speaking vpcd's protocol, for the virtual reader "Virtual PCD 00 00").
"""
