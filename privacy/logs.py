"""Every log record masked, whatever field the personal data came through.

`install_log_masking()` is called by every entry point right after its `logging.basicConfig`.
It masks (with `privacy.masking.mask_text`) the message with its arguments merged in, the
exception and stack text, and any extra string field of a record, in two places:

- a LogRecord factory, so a record is masked when it is made, whichever logger made it and
  whichever handler (the root's, one added later such as pytest's caplog, a child logger's
  own) writes it. A filter on a logger would not do: records propagated from child loggers
  never pass the parent logger's filters;
- a `MaskingFilter` on every handler of the root logger, for records that bypass the factory
  (`logging.makeLogRecord`, records received from another process).

It also masks what an uncaught exception prints on stderr (`sys.excepthook`,
`threading.excepthook`), which is not a log record.
"""
from __future__ import annotations

import logging
import sys
import threading
import traceback

from privacy.masking import mask_text

__all__ = ["MaskingFilter", "install_log_masking", "mask_record"]

# The attributes every LogRecord has; anything else is an `extra=` field.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_formatter = logging.Formatter()


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask one record in place: message and arguments, exception, stack, extra fields (masking
    twice changes nothing: a masked run no longer looks like a number)."""
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: keep both, masked
        message = f"{record.msg} {record.args!r}"
    record.msg, record.args = mask_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = _formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    for name, value in list(record.__dict__.items()):
        if name not in _STANDARD and isinstance(value, str):
            record.__dict__[name] = mask_text(value)
    return record


class MaskingFilter(logging.Filter):
    """A handler filter that masks every record it sees and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


class _MaskingFactory:
    def __init__(self, previous) -> None:
        self.previous = previous

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        return mask_record(self.previous(*args, **kwargs))


def _masked_excepthook(exc_type, exc, tb) -> None:
    sys.stderr.write(mask_text("".join(traceback.format_exception(exc_type, exc, tb))))


def _masked_thread_excepthook(args) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    sys.stderr.write(mask_text(f"Exception in thread {name}:\n"
                               + "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                                    args.exc_traceback))))


def install_log_masking() -> None:
    """Mask every log record of this process from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(factory))
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
    sys.excepthook = _masked_excepthook
    threading.excepthook = _masked_thread_excepthook


def uninstall_log_masking() -> None:
    """Undo `install_log_masking` (for tests that must leave the process as they found it)."""
    factory = logging.getLogRecordFactory()
    if isinstance(factory, _MaskingFactory):
        logging.setLogRecordFactory(factory.previous)
    for handler in logging.getLogger().handlers:
        for f in [f for f in handler.filters if isinstance(f, MaskingFilter)]:
            handler.removeFilter(f)
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
