"""The A4 licence printer through CUPS (pycups): print a PDF on A4, follow the job,
report the queue's state. `jobs` holds the pure parts, `printer` the device service."""
