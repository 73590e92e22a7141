"""One window per user: a second launch brings the first one forward instead.

Whether another copy is running is decided by app.store.instance_lock; this module is only the
messenger, loaded after the first paint (QtNetwork costs start-up some 25 ms) or by a second
launch that found the lock taken.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_RAISE = b"raise\n"


def server_name(data_dir: str) -> str:
    user = getpass.getuser()
    digest = hashlib.sha256(f"{user}\0{data_dir}".encode()).hexdigest()[:16]
    return f"staff-self-audit-{digest}"


def ask_running_instance_to_raise(name: str, timeout_ms: int = 500) -> bool:
    """True when the running instance answered and was asked to come forward."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(_RAISE)
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits raise_requested when one asks."""

    raise_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(name):
            # We hold the instance lock, so a socket already there was left by a crash.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._on_server_new_connection)

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready_read(s))

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll()).startswith(_RAISE.strip()):
            self.raise_requested.emit()
        socket.disconnectFromServer()
