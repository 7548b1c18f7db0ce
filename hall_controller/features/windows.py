"""Window commands from callers and keypads: `hall/<hall>/request/window/<caller>`.

A caller may command only the window it is provisioned for (the controller's own identity
any window). Every command that changes state carries a request id (a retry is applied
once). Handled by the request worker: the transition is stored before the answer; then the
call is announced (call event, robot hook), automatic calls run and the board follows."""
from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from hall_controller.core import calling
from hall_controller.core.staff import signed_in
from hall_controller.errors import BadRequest, Forbidden, HallError
from hall_controller.hall import Context, Feature, unavailable
from hall_protocol import contract
from hall_protocol.contract import WindowCommand
from hall_protocol.router import Answer, Request


class Windows(Feature):

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def start(self) -> None:
        self.ctx.router.add(contract.WINDOW_REQUEST, self.handle, kind="window", halls=self.ctx.halls,
                            authorize=self.authorize, worker=self.ctx.worker)

    def authorize(self, req: Request) -> None:
        cmd: WindowCommand = req.payload
        if cmd.action != "status" and not cmd.request_id:
            raise BadRequest(f"{cmd.action} changes the window: it needs a request_id (unique per clerk action, "
                             "the same on a retry)")
        if req.client == self.ctx.config.controller_id:
            return
        hall = self.ctx.queues[req.hall].hall
        allowed = next((d.window for d in hall.devices if d.id == req.client and d.role == "caller"), None)
        if allowed != cmd.window:
            raise Forbidden(f"{req.client} may not command window {cmd.window}")

    def handle(self, req: Request) -> Answer:
        q = self.ctx.queues[req.hall]
        cmd: WindowCommand = req.payload
        if q.hall.staff:  # the clerk on every event is the one signed in at the window, never typed text
            clerk = signed_in(q, cmd.window)
            if clerk is None and q.hall.sign_in_required and cmd.action != "status":
                raise HallError(f"nobody is signed in at window {cmd.window}: sign in with staff number and PIN",
                                code="sign_in_required")
            cmd = cmd.model_copy(update={"clerk": clerk})
        before = q.current(cmd.window)
        try:
            outcome = calling.apply(q, cmd)
            data = outcome.to_data(q)
        except SQLAlchemyError as err:
            raise unavailable(err) from err

        def then() -> None:
            if outcome.announce and outcome.ticket is not None:
                self.ctx.hall.publish_call(q, outcome.ticket, cmd.window)
            if cmd.action != "status" and not outcome.repeated:
                self.ctx.hall.changed(q)
                for hook in self.ctx.hall.window_hooks:
                    hook(q, cmd, outcome, before)
        return Answer(data, then=then)
