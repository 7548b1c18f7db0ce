"""The window caller against a real Mosquitto and a real controller (SQLite file, a clock the
test drives): the waiting list in the window's calling order, the plain model, and the Qt
window driven offscreen, button by button, checked by what the controller did."""
from __future__ import annotations

from hall_apps.caller import build_window
from hall_apps.caller_model import CallerClient, CallerModel
from tests.hall_apps.ui_support import (HALL, clock, clocked_controller, endpoint, issue,  # noqa: F401 (fixtures)
                                        wait_for)


def test_status_lists_the_waiting_tickets_in_the_windows_calling_order(clocked_controller, device, clock):
    # Window 1 serves A (weight 1) and B (weight 0.5), not C. 30 s apart on the test's clock.
    issue(device, clock, ["B", "A", "C", "B"])
    issue(device, clock, ["A"], priority="green")
    caller = CallerClient(device("caller-w1"), HALL, 1)
    waiting = caller.command("status")["waiting"]
    # docs/queue.md: waited seconds x weight + priority bonus (green: 900 s)
    assert [w["number"] for w in waiting] == ["A002", "A001", "B001", "B002"]
    assert waiting[0] == {"number": "A002", "service": "A", "priority": "green", "waited_min": 0.5}
    assert waiting[2]["waited_min"] == 2.5
    assert [w["number"] for w in waiting] == [t.number for t in clocked_controller.queues[HALL].ordered_for(1)]
    # ... and it is the order in which "call next" really calls them
    assert [caller.command("call_next")["ticket"]["number"] for _ in waiting] == [w["number"] for w in waiting]


def test_caller_model_follows_the_board_times_the_ticket_and_says_errors_in_words(
        clocked_controller, device, broker, clock):
    ep = endpoint(broker, "caller-w1")
    model = CallerModel(CallerClient(ep, HALL, 1), now=clock.now)
    model.attach(ep)
    ep.start()
    try:
        assert wait_for(lambda: model.connected and model.refreshes >= 1)
        assert model.waiting == [] and model.can("call_next") and not model.can("recall")
        issue(device, clock, ["A", "B"])  # a kiosk issues: the board changes, the list follows
        assert wait_for(lambda: [w["number"] for w in model.waiting] == ["A001", "B001"])

        assert model.run("call_next") and model.ticket["number"] == "A001"
        assert model.can("recall") and model.can("no_show") and not model.can("pause") and not model.can("resume")
        assert wait_for(lambda: [w["number"] for w in model.waiting] == ["B001"])
        clock.advance(75)
        assert model.timers() == (75, None)
        assert model.run("start") and not model.can("recall") and model.can("finish")
        clock.advance(30)
        assert model.timers() == (105, 30)

        assert not model.run("resume")  # the controller refuses: shown in words, in Chinese first
        assert model.error.startswith("无法执行：") and "not paused" in model.error
        assert not model.run("call", ticket="A042")
        assert model.error.startswith("找不到：") and "A042" in model.error
    finally:
        model.close()
        ep.stop()


def test_caller_shows_when_the_controller_or_the_broker_is_gone(clocked_controller, device, broker, clock):
    from qtkit.common import application
    app = application()
    ep = endpoint(broker, "caller-w1")
    w = build_window(CallerClient(ep, HALL, 1), ep)
    ep.start()
    w.show()
    try:
        assert wait_for(lambda: w.model.connected and w.buttons["call_next"].isEnabled(), app=app)
        assert "已连接" in w.link.text()
        clocked_controller.stop()  # says "offline" on its retained presence
        assert wait_for(lambda: "叫号服务器离线" in w.link.text(), app=app)
        assert "#c62828" in w.link.styleSheet()
        assert not any(b.isEnabled() for b in w.buttons.values())
        broker.stop()
        assert wait_for(lambda: "未连接网络" in w.link.text(), app=app)
        w.toggle_language()
        assert "No connection to the broker" in w.link.text() and w.buttons["call_next"].text() == "Next"
    finally:
        w.close()
        ep.stop()


def test_every_caller_button_sends_its_command(clocked_controller, device, broker, clock):
    from PySide6.QtWidgets import QDialogButtonBox

    from qtkit.common import application
    app = application()
    issue(device, clock, ["A", "B", "A", "A"])  # A001 B001 A002 A003
    q = clocked_controller.queues[HALL]
    ep = endpoint(broker, "caller-w1")
    w = build_window(CallerClient(ep, HALL, 1, clerk="clerk-1"), ep)
    ep.start()
    w.show()

    def click(action: str) -> None:
        button = w.buttons[action]
        assert wait_for(button.isEnabled, app=app), f"{action} stays disabled"
        button.click()

    try:
        assert wait_for(lambda: w.waiting.count() == 4, app=app)
        assert not any(w.buttons[a].isEnabled() for a in ("recall", "start", "finish", "no_show", "transfer",
                                                           "resume", "call", "cancel", "open"))
        click("call_next")
        assert q.ticket("A001").state == "called" and q.ticket("A001").window == 1
        click("recall")
        assert q.ticket("A001").recalls == 1 and "已重呼 1 次" in w.detail.text()
        click("start")
        assert q.ticket("A001").state == "serving" and not w.buttons["recall"].isEnabled()
        click("finish")
        assert q.ticket("A001").state == "done"

        assert wait_for(lambda: w.waiting.count() == 3, app=app)
        row = next(i for i in range(w.waiting.count()) if w.waiting.item(i).text().startswith("A003"))
        w.waiting.setCurrentRow(row)  # pick from the list
        assert w.number.text() == "A003"
        click("call")
        assert q.ticket("A003").state == "called"
        w.requeue.setChecked(True)
        click("no_show")  # with "re-queue": back in the queue (the hall's policy is "ask")
        assert q.ticket("A003").state == "waiting" and w.model.ticket is None
        w.requeue.setChecked(False)

        click("call_next")
        current = w.model.ticket["number"]
        click("transfer")
        dlg = w.transfer_dialog
        dlg.service.setCurrentIndex(dlg.service.findData("B"))
        dlg.window.setCurrentIndex(dlg.window.findData(3))
        dlg.front.setChecked(True)
        dlg.buttons.button(QDialogButtonBox.Ok).click()
        t = q.ticket(current)
        assert (t.state, t.service, t.target_window, t.priority) == ("waiting", "B", 3, "front")

        w.number.setText("b001")  # typed, in lower case
        click("cancel")
        assert q.ticket("B001").state == "cancelled"

        w.reason.setEditText("外出取材料")  # free text instead of a listed reason
        click("pause")
        assert q.window_state(1)["state"] == "paused" and q.window_state(1)["reason"] == "外出取材料"
        assert not w.buttons["call_next"].isEnabled() and "暂停中：外出取材料" in w.detail.text()
        click("resume")
        assert q.window_state(1)["state"] == "idle"

        click("call_next")
        current = w.model.ticket["number"]
        click("no_show")  # without "re-queue": the ticket ends
        assert q.ticket(current).state == "no_show"
        assert not w.buttons["open"].isEnabled()
        click("close")
        assert q.window_state(1)["state"] == "closed" and "窗口已关闭" in w.detail.text()
        click("open")
        assert q.window_state(1)["state"] == "idle"

        w.number.setText("A999")
        click("call")
        assert "找不到" in w.error.text() and "A999" in w.error.text()
    finally:
        w.close()
        ep.stop()
