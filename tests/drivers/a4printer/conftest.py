"""The A4 printer's fixtures live in tests/support/cups.py (the kiosk's licence printing uses them too)."""
from tests.support.cups import Cupsd, Listener, cupsd, free_port, licence_pdf, listener, queue_url  # noqa: F401
