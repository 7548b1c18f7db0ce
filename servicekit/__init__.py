"""What a long-running process of the hall tells its service manager (systemd): ready, status,
stopping, reloading, and a watchdog fed only while its loops are really alive. The standard
library only, so that the controller, the web service and the Qt apps can all use it."""
from servicekit.liveness import Heartbeat, Watchdog
from servicekit.notify import Notifier

__all__ = ["Heartbeat", "Notifier", "Watchdog"]
