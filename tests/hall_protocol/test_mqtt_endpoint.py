"""The MQTT endpoint shared by every part: several handlers on one topic (the announcer and
the window displays both follow the call events in the controller's process)."""
import threading

from hall_protocol import contract


def test_two_handlers_on_one_topic_both_get_every_message(controller, device):
    topic = contract.CALL_EVENT.format(hall="demo-hall")
    got_a, got_b = [], []
    both = threading.Event()

    def note(into):
        def handler(msg):
            into.append(msg.payload)
            if got_a and got_b:
                both.set()
        return handler
    controller.endpoint.subscribe(topic, note(got_a))
    controller.endpoint.subscribe(topic, note(got_b))
    controller.endpoint.publish(topic, b"{}")
    assert both.wait(5)
    assert got_a == got_b == [b"{}"]


def test_a_late_second_handler_still_gets_the_retained_board(controller, device):
    topic = contract.BOARD.format(hall="demo-hall")
    first, second = threading.Event(), threading.Event()
    screen = device("screen-main")
    screen.subscribe(topic, lambda m: first.set())
    assert first.wait(5)
    screen.subscribe(topic, lambda m: second.set())
    assert second.wait(5)
