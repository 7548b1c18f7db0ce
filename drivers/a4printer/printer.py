"""The A4 licence printer: one CUPS queue, driven through pycups.

    printer = A4Printer("cups://Licence?server=/run/cups/cups.sock")
    printer.start()
    result = printer.print_pdf(pdf_bytes, "营业执照")   # JobResult; result.ok when completed

The job is followed until completed (9), canceled (7) or aborted (8), or the timeout
passes (then it is cancelled, so that a licence never comes out after the citizen left).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable

import cups

from drivers.core.clock import Clock
from drivers.core.counters import Counters
from drivers.core.device import Device, HealthLevel
from drivers.core.errors import DeviceError, DeviceUnavailable, UserError
from drivers.core.status import DeviceState, DeviceStatus
from drivers.core.url import UrlError, parse_url
from drivers.a4printer.jobs import A4, JOB_FINAL, JobResult, PRINTER_STATES, check_pdf, parse_server, queue_status

log = logging.getLogger(__name__)

STREAM_CHUNK = 64 * 1024
HTTP_CONTINUE = 100    # cups.h HTTP_STATUS_CONTINUE; pycups does not export it
QUEUE_ATTRS = ["printer-state", "printer-state-reasons", "printer-state-message",
               "printer-is-accepting-jobs", "printer-make-and-model", "device-uri", "queued-job-count"]
JOB_ATTRS = ["job-state", "job-state-reasons", "job-printer-state-message", "job-k-octets"]


def cups_connection(host: str | None, port: int | None) -> Any:
    kwargs: dict[str, Any] = {}
    if host:
        kwargs["host"] = host
    if port:
        kwargs["port"] = port
    return cups.Connection(**kwargs)


class A4Printer(Device):
    kind = "a4printer"

    def __init__(self, url: str = "cups://Licence", *, timeout: float = 60.0, poll: float = 0.2,
                 cancel_on_timeout: bool = True, clock: Clock | None = None, counters: Counters | None = None,
                 connect: Callable[[str | None, int | None], Any] = cups_connection) -> None:
        parsed = parse_url(url)
        if parsed.scheme != "cups" or not parsed.target:
            raise UrlError(f"{url!r}: the A4 printer needs cups://QUEUE[?server=host:port|/socket]")
        self.queue = parsed.target
        self.server = parsed.param("server")
        super().__init__(f"a4printer-{self.queue}", clock=clock, counters=counters)
        self.url, self.timeout, self.poll, self.cancel_on_timeout = url, timeout, poll, cancel_on_timeout
        self._connect = connect
        self._conn: Any = None

    # -- the pycups boundary ----------------------------------------------------------
    def _call(self, what: str, fn: Callable, *args, **kwargs) -> Any:
        if self._conn is None:
            self._conn = self._open_connection()
        try:
            return fn(self._conn, *args, **kwargs)
        except cups.IPPError as err:
            status, message = err.args if len(err.args) == 2 else (0, str(err))
            if status == cups.IPP_NOT_FOUND:
                raise DeviceUnavailable(f"{what}: CUPS has no queue {self.queue!r}", device=self.device_id) from err
            raise DeviceError(f"{what}: CUPS said {message} (0x{status:04X})", device=self.device_id) from err
        except (cups.HTTPError, RuntimeError) as err:
            self._conn = None
            raise DeviceUnavailable(f"{what}: CUPS not reachable ({err})", device=self.device_id) from err

    def _open_connection(self) -> Any:
        host, port = parse_server(self.server)
        try:
            return self._connect(host, port)
        except RuntimeError as err:  # pycups: "failed to connect to server"
            where = self.server or "the default CUPS server"
            raise DeviceUnavailable(f"cannot connect to {where}: {err}", device=self.device_id) from err

    # -- lifecycle ---------------------------------------------------------------------
    def _open(self) -> None:
        self._conn = self._open_connection()
        self.queue_attributes()  # the queue must exist

    def _close(self) -> None:
        self._conn = None

    def queue_attributes(self) -> dict:
        return self._call("read the queue", lambda c: c.getPrinterAttributes(self.queue, requested_attributes=QUEUE_ATTRS))

    def _probe_status(self) -> DeviceStatus:
        attrs = self.queue_attributes()
        return queue_status(attrs.get("printer-state", 0), list(attrs.get("printer-state-reasons", [])),
                            bool(attrs.get("printer-is-accepting-jobs", True)), attrs.get("printer-state-message", ""))

    def _health(self, level: HealthLevel) -> dict[str, str]:
        attrs = self.queue_attributes()
        return {"queue": self.queue, "device_uri": str(attrs.get("device-uri", "")),
                "model": str(attrs.get("printer-make-and-model", "")),
                "queued_jobs": str(attrs.get("queued-job-count", 0))}

    def queue_state(self) -> dict:
        """For displays and kioskctl: state name, reasons, accepting, message, status."""
        attrs = self.queue_attributes()
        status = self.refresh_status()
        return {"queue": self.queue, "state": PRINTER_STATES.get(attrs.get("printer-state", 0), "unknown"),
                "reasons": [r for r in attrs.get("printer-state-reasons", []) if r != "none"],
                "accepting": bool(attrs.get("printer-is-accepting-jobs", True)),
                "message": attrs.get("printer-state-message", ""), "queued_jobs": attrs.get("queued-job-count", 0),
                "status": status.to_dict(), "counters": self.counters.snapshot()}

    # -- printing ----------------------------------------------------------------------
    def print_file(self, path: str | os.PathLike, title: str | None = None, **kwargs) -> JobResult:
        data = Path(path).read_bytes()
        return self.print_pdf(data, title or Path(path).name, **kwargs)

    def print_pdf(self, pdf_bytes: bytes, title: str = "document", *, copies: int = 1,
                  timeout: float | None = None) -> JobResult:
        """Print a PDF on A4 and follow the job; refuses a non-PDF before sending anything. The
        printer (its CUPS connection) is ours until the job ends: a status poll waits its turn."""
        check_pdf(pdf_bytes)
        with self._lock:
            return self._print_pdf(pdf_bytes, title, copies, timeout)

    def _print_pdf(self, pdf_bytes: bytes, title: str, copies: int, timeout: float | None) -> JobResult:
        status = self.refresh_status()
        if status.state is DeviceState.USER_ERROR:
            raise UserError(f"the printer cannot take jobs: {status.message}", device=self.device_id,
                            action=status.action)
        if not status.usable:
            raise DeviceUnavailable(f"the printer is {status.state.value}: {status.message}", device=self.device_id)
        options = {"media": A4, "copies": str(copies)}
        job_id = self._call("submit the job", lambda c: self._stream_job(c, pdf_bytes, title, options))
        log.info("job %d submitted to %s (%d bytes)", job_id, self.queue, len(pdf_bytes))
        result = self.wait_job(job_id, self.timeout if timeout is None else timeout, size=len(pdf_bytes))
        if result.ok:
            self.counters.increment("prints")
        else:
            self.counters.increment("faults")
            log.warning("%s: %s", self.queue, result)
        return result

    def _stream_job(self, conn: Any, pdf_bytes: bytes, title: str, options: dict) -> int:
        """Create the job and stream the document to cupsd: the PDF (a licence holds personal
        data) never touches this machine's disk outside the CUPS spool."""
        job_id = conn.createJob(self.queue, title, options)
        try:
            if conn.startDocument(self.queue, job_id, title, "application/pdf", 1) != HTTP_CONTINUE:
                raise cups.IPPError(0, "cupsd refused the document")
            view = memoryview(pdf_bytes)
            for start in range(0, len(view), STREAM_CHUNK):
                if conn.writeRequestData(bytes(view[start:start + STREAM_CHUNK]),
                                         min(STREAM_CHUNK, len(view) - start)) != HTTP_CONTINUE:
                    raise cups.IPPError(0, "cupsd stopped taking the document")
            if conn.finishDocument(self.queue) != cups.IPP_OK:
                raise cups.IPPError(0, "cupsd did not accept the document")
        except BaseException:
            try:
                conn.cancelJob(job_id)
            except (cups.IPPError, cups.HTTPError, RuntimeError):
                log.debug("job %d could not be cancelled after a failed submission", job_id)
            raise
        return job_id

    def find_job(self, title: str) -> JobResult | None:
        """The newest job of this user on this queue named `title` (CUPS keeps finished jobs in
        its history; it shows job names to their owner only), or None: lets a caller that
        crashed after submitting find its job again."""
        jobs = self._call("list the jobs", lambda c: c.getJobs(which_jobs="all", my_jobs=True,
                                                               requested_attributes=["job-id", "job-name",
                                                                                     "job-printer-uri"]))
        for job_id in sorted(jobs, reverse=True):
            attrs = jobs[job_id]
            if attrs.get("job-name") == title and str(attrs.get("job-printer-uri", "")).endswith("/" + self.queue):
                return self.job(job_id)
        return None

    def wait_job(self, job_id: int, timeout: float, *, size: int = 0) -> JobResult:
        """Poll the job (through the injected clock) until it is final or the timeout passes."""
        deadline = self.clock.monotonic() + timeout
        while True:
            result = self.job(job_id, size=size)
            if result.final:
                return result
            if self.clock.monotonic() >= deadline:
                break
            self.clock.sleep(self.poll)
        if self.cancel_on_timeout:
            self.cancel(job_id)
            final = self.job(job_id, size=size)
            result = JobResult(job_id, final.state, result.reasons, result.message or "cancelled after timeout",
                               timed_out=True, size=size)
        else:
            result = JobResult(job_id, result.state, result.reasons, result.message, timed_out=True, size=size)
        self.refresh_status()
        return result

    def job(self, job_id: int, *, size: int = 0) -> JobResult:
        attrs = self._call("read the job", lambda c: c.getJobAttributes(job_id, requested_attributes=JOB_ATTRS))
        reasons = attrs.get("job-state-reasons", [])
        reasons = tuple([reasons] if isinstance(reasons, str) else reasons)
        return JobResult(job_id, int(attrs.get("job-state", 0)), reasons,
                         str(attrs.get("job-printer-state-message", "") or ""), size=size)

    def cancel(self, job_id: int) -> None:
        try:
            self._call("cancel the job", lambda c: c.cancelJob(job_id))
        except DeviceError as err:
            if self.job(job_id).state not in JOB_FINAL:
                raise
            log.debug("job %d already final: %s", job_id, err)
