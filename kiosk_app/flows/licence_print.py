"""Print a licence (打证) for the identified citizen on the A4 printer, once.

    download the PDF through KioskBackend (chunks and whole checked)
    -> print it through drivers/a4printer (streamed to cupsd; follow the job to the end)
    -> record_print at the platform (idempotent per request id)

Double printing is stopped three ways:
- the platform's print records: a licence with `print_count > 0` needs the citizen's
  confirmation and goes with a `reprint_reason` (the platform refuses it otherwise);
- one print is one request id, derived from kiosk, licence and the print count the
  platform reported, and the CUPS job is named after it (no personal data in the name):
  after a crash between printing and recording, the same choice finds the finished job in
  CUPS's history and only records it; a job still running is followed, not resubmitted;
- `record_print` with the same request id is answered with the same record.

The PDF stays in memory (it holds the citizen's name and ID number): the driver streams it
to cupsd, so the only copy on disk is the one in the CUPS spool. One audit line per print,
with the licence id, the request id, the job and the outcome; no name, no ID number.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Protocol

from drivers.a4printer.jobs import JobResult
from drivers.core.errors import DeviceError
from hall_protocol import platform as bm
from kiosk_app.clients.backend import BackendUnavailable, KioskBackendError

log = logging.getLogger(__name__)
audit = logging.getLogger("kiosk_app.audit")

REPRINT_REASON = "市民在自助终端确认重新打印 (reprint confirmed by the citizen at the kiosk)"


class Backend(Protocol):
    def licence_pdf(self, licence_id: str) -> bytes: ...
    def record_print(self, licence_id: str, *, request_id: str, reprint_reason: str | None = None
                     ) -> bm.PrintRecord: ...


class Printer(Protocol):
    def print_pdf(self, pdf_bytes: bytes, title: str = ..., **kw) -> JobResult: ...
    def find_job(self, title: str) -> JobResult | None: ...
    def wait_job(self, job_id: int, timeout: float, *, size: int = 0) -> JobResult: ...


@dataclass(frozen=True)
class PrintOutcome:
    status: str                       # printed, confirm, refused, failed
    message: str                      # an i18n key
    licence_id: str
    job: JobResult | None = None
    record: bm.PrintRecord | None = None
    resumed: bool = False             # an earlier job of the same print was found in CUPS
    detail: str = ""

    @property
    def printed(self) -> bool:
        return self.status == "printed"


def print_request_id(kiosk_id: str, licence: bm.Licence) -> str:
    """The same for every attempt of one print, a new one once the platform recorded it."""
    return hashlib.sha256(f"{kiosk_id}|{licence.licence_id}|{licence.print_count}".encode()).hexdigest()[:32]


def job_title(request_id: str) -> str:
    return f"licence-print-{request_id}"


class LicencePrinting:
    def __init__(self, backend: Backend, printer: Printer | None, kiosk_id: str, *, job_timeout: float = 120.0) -> None:
        self.backend, self.printer, self.kiosk_id, self.job_timeout = backend, printer, kiosk_id, job_timeout

    def needs_confirmation(self, licence: bm.Licence) -> bool:
        return licence.print_count > 0

    def print_licence(self, licence: bm.Licence, *, confirmed: bool = False) -> PrintOutcome:
        lid = licence.licence_id
        if not licence.printable:
            return self._done(PrintOutcome("refused", "lic_not_printable", lid))
        if self.needs_confirmation(licence) and not confirmed:
            return PrintOutcome("confirm", "lic_confirm", lid)
        if self.printer is None:
            return self._done(PrintOutcome("failed", "lic_printer_down", lid, detail="no A4 printer configured"))
        reason = REPRINT_REASON if licence.print_count > 0 else None
        request_id = print_request_id(self.kiosk_id, licence)
        title = job_title(request_id)
        try:
            job, resumed = self._print(lid, title)
        except KioskBackendError as err:
            key = "backend_down" if isinstance(err, BackendUnavailable) else "backend_broken"
            return self._done(PrintOutcome("failed", key, lid, detail=f"{type(err).__name__}: {err}"), request_id)
        except DeviceError as err:
            return self._done(PrintOutcome("failed", "lic_printer_down", lid,
                                           detail=f"{type(err).__name__}: {err}"), request_id)
        if not job.ok:
            return self._done(PrintOutcome("failed", "lic_print_failed", lid, job, detail=str(job)), request_id)
        try:
            record = self.backend.record_print(lid, request_id=request_id, reprint_reason=reason)
        except KioskBackendError as err:
            # Printed, not recorded: the next attempt of this print finds the job in CUPS and
            # records it without printing again.
            return self._done(PrintOutcome("printed", "lic_done", lid, job, resumed=resumed,
                                           detail=f"not recorded yet: {type(err).__name__}: {err}"), request_id)
        return self._done(PrintOutcome("printed", "lic_done", lid, job, record, resumed), request_id)

    def _print(self, licence_id: str, title: str) -> tuple[JobResult, bool]:
        earlier = self.printer.find_job(title)
        if earlier is not None and earlier.ok:
            log.info("licence print %s: found completed job %d, not printing again", title, earlier.job_id)
            return earlier, True
        if earlier is not None and not earlier.final:
            log.info("licence print %s: following job %d", title, earlier.job_id)
            return self.printer.wait_job(earlier.job_id, self.job_timeout), True
        pdf = self.backend.licence_pdf(licence_id)      # checked: size, sha256, %PDF- ... %%EOF
        try:
            return self.printer.print_pdf(pdf, title, timeout=self.job_timeout), False
        finally:
            del pdf

    def _done(self, outcome: PrintOutcome, request_id: str = "") -> PrintOutcome:
        job = outcome.job
        audit.info("licence-print kiosk=%s licence=%s request=%s outcome=%s job=%s job_state=%s resumed=%s "
                   "sequence=%s detail=%s", self.kiosk_id, outcome.licence_id, request_id or "-", outcome.status,
                   job.job_id if job else "-", job.state_name if job else "-", outcome.resumed,
                   outcome.record.sequence if outcome.record else "-", outcome.detail or "-")
        return outcome

