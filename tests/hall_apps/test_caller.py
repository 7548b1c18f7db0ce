"""The window caller against a real Mosquitto and a real controller (SQLite file, a clock the
test drives): the waiting list in the window's calling order, the plain model, and the Qt
window driven offscreen, button by button, checked by what the controller did."""
from __future__ import annotations

from hall_apps.caller import build_window
from hall_apps.caller_model import CallerClient, CallerModel
from tests.hall_apps.ui_support import (HALL, clock, clocked_controller, endpoint, issue,  # noqa: F401 (fixtures)
                                        wait_for)


def sign_in(w, app, staff="0101", pin="2468") -> None:
    """The clerk signs in on the caller's first page."""
    assert wait_for(lambda: w.pages.currentWidget() is w.sign_in_page and w.sign_in_page.button.isEnabled(), app=app)
    w.sign_in_page.staff.setText(staff)
    w.sign_in_page.pin.setText(pin)
    w.sign_in_page.pin.returnPressed.emit()
    assert wait_for(lambda: w.pages.currentWidget() is w.main_page, app=app)


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
        assert wait_for(lambda: model.connected and model.refreshes >= 1 and model.card is not None)
        assert model.needs_sign_in and not model.can("call_next")  # the hall signs clerks in
        assert not model.sign_in("0101", "1357") and model.error == "工号或密码错误：还可尝试 4 次"
        assert model.sign_in("0101", "2468") and model.card.name == "王丽华" and not model.needs_sign_in
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
        assert model.error == "无法执行：窗口未暂停"
        assert not model.run("call", ticket="A042")
        assert model.error == "找不到：今天没有号码 A042"
        model.lang = "en"
        assert not model.run("call", ticket="A042") and model.error == "Not found: There is no ticket A042 today"
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
        sign_in(w, app)
        assert wait_for(lambda: w.model.connected and w.buttons["call_next"].isEnabled(), app=app)
        assert "已连接" in w.link.text()
        clocked_controller.stop()  # says "offline" on its retained presence
        assert wait_for(lambda: "叫号服务器离线" in w.link.text(), app=app)
        assert "#c62828" in w.link.styleSheet()
        assert not any(b.isEnabled() for b in w.buttons.values())
        broker.stop()
        assert wait_for(lambda: "未连接网络" in w.link.text(), app=app)
        w.toggle_language()
        assert "No connection to the broker" in w.link.text() and w.buttons["call_next"].text() == "Next  [Enter]"
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

    def click(action: str, confirm: bool = False) -> None:
        button = w.buttons[action]
        assert wait_for(button.isEnabled, app=app), f"{action} stays disabled"
        button.click()
        if confirm:  # destructive: asked once
            assert wait_for(lambda: w.confirm is not None and w.confirm.isVisible(), app=app)
            w.confirm.yes.click()

    try:
        sign_in(w, app)
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
        click("no_show", confirm=True)  # with "re-queue": back in the queue (the hall's policy is "ask")
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
        assert wait_for(lambda: w.confirm.isVisible(), app=app) and "B001" in w.confirm.text.text()
        w.confirm.no.click()  # not now: nothing happens
        assert q.ticket("B001").state == "waiting"
        click("cancel", confirm=True)
        assert q.ticket("B001").state == "cancelled"

        w.reason.setEditText("外出取材料")  # free text instead of a listed reason
        click("pause")
        assert q.window_state(1)["state"] == "paused" and q.window_state(1)["reason"] == "外出取材料"
        assert not w.buttons["call_next"].isEnabled() and "暂停中：外出取材料" in w.detail.text()
        click("resume")
        assert q.window_state(1)["state"] == "idle"

        click("call_next")
        current = w.model.ticket["number"]
        click("no_show", confirm=True)  # without "re-queue": the ticket ends
        assert q.ticket(current).state == "no_show"
        assert not w.buttons["open"].isEnabled()
        click("close")
        assert q.window_state(1)["state"] == "closed" and "窗口已关闭" in w.detail.text()
        click("open")
        assert q.window_state(1)["state"] == "idle"

        w.number.setText("A999")
        click("call")
        assert w.error.text() == "找不到：今天没有号码 A999"
        assert q.ticket("A001").clerk == "0101"  # the clerk signed in, not what the caller was started with
    finally:
        w.close()
        ep.stop()


def test_keypad_keys_and_a_kiosks_help_call_on_the_caller(clocked_controller, device, broker, clock, tmp_path):
    """A clerk at the keypad: Enter calls the next, + recalls, * finishes, - asks before a no-show;
    a kiosk's help call shows its kiosk, page and problem, and "I'm coming" reaches the kiosk."""
    import os

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from hall_protocol.help import HelpBoard
    from qtkit.common import application
    from tests.support.fixtures import new_request_id
    app = application()
    issue(device, clock, ["A", "A", "B"])
    q = clocked_controller.queues[HALL]
    ep = endpoint(broker, "caller-w1")
    w = build_window(CallerClient(ep, HALL, 1), ep)
    w.model.now = clock.now
    ep.start()
    w.show()
    try:
        sign_in(w, app)
        w.buttons["call_next"].setFocus()
        QTest.keyClick(w, Qt.Key_Enter, Qt.KeypadModifier)
        assert wait_for(lambda: q.ticket("A001").state == "called", app=app)
        assert wait_for(lambda: "综合受理" in w.about.text() and "普通" in w.about.text(), app=app)
        QTest.keyClick(w, Qt.Key_Plus, Qt.KeypadModifier)
        assert wait_for(lambda: q.ticket("A001").recalls == 1, app=app)
        QTest.keyClick(w, Qt.Key_Asterisk, Qt.KeypadModifier)
        assert wait_for(lambda: q.ticket("A001").state == "done", app=app)
        QTest.keyClick(w, Qt.Key_Enter, Qt.KeypadModifier)
        assert wait_for(lambda: q.ticket("A002").state == "called", app=app)
        QTest.keyClick(w, Qt.Key_Minus, Qt.KeypadModifier)
        assert wait_for(lambda: w.confirm is not None and w.confirm.isVisible(), app=app)
        QTest.keyClick(w.confirm, Qt.Key_Enter, Qt.KeypadModifier)  # Enter in the question confirms it
        assert wait_for(lambda: q.ticket("A002").state == "no_show", app=app)
        assert q.ticket("B001").state == "waiting"

        kiosk = device("kiosk-01")
        boards: list[HelpBoard] = []
        kiosk.subscribe(f"hall/{HALL}/state/help", lambda m: boards.append(HelpBoard.model_validate_json(m.payload)))
        r = kiosk.request(f"hall/{HALL}/request/help/kiosk-01",
                          {"request_id": new_request_id(), "page": "ticket", "problem": "printer_paper_out"})
        assert r["status"] == "ok"
        assert wait_for(lambda: w.help.isVisible(), app=app)
        text = w.help.rows[0][0].text()
        assert "kiosk-01" in text and "取号" in text and "打印机缺纸" in text
        shot = os.environ.get("CALLER_SCREENSHOT")
        if shot:
            for _ in range(5):
                app.processEvents()
            w.grab().save(shot)
        w.help.rows[0][1].click()  # 我去处理
        assert wait_for(lambda: boards and boards[-1].calls[0].state == "acknowledged", app=app)
        assert "0101" in boards[-1].calls[0].by  # the kiosk learns who is coming
        assert wait_for(lambda: not w.help.isVisible(), app=app)
    finally:
        w.close()
        ep.stop()


def test_a_clerk_signs_in_from_the_shell(clocked_controller, broker):
    """`window-caller ... sign_in --staff 0101` with the PIN on stdin (never on the command line)."""
    import json
    import os
    import subprocess
    import sys

    from tests.support.fixtures import ROOT
    base = [sys.executable, "-m", "hall_apps.caller", "--hall", HALL, "--id", "caller-w1", "--window", "1",
            "--broker", f"127.0.0.1:{broker.port}"]
    env = {**os.environ, "HALL_MQTT_PASSWORD": broker.passwords["caller-w1"]}
    p = subprocess.run(base + ["sign_in", "--staff", "0101"], input="2468\n", capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["name"] == "王丽华" and clocked_controller.queues[HALL].windows[1].clerk == "0101"
    p = subprocess.run(base + ["sign_in"], input="2468\n", capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=60)
    assert p.returncode == 2 and "sign_in needs staff_id and pin" in p.stderr and "Traceback" not in p.stderr
