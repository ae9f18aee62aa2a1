"""A TCP proxy in front of a real server (Redis, PostgreSQL) that passes traffic, partitions or hangs."""

import contextlib
import socket
import threading
import time

from .ports import free_port


class FaultProxy:
    """Forwards 127.0.0.1:<port> to ``target``; ``partition()``, ``hang()`` and ``heal()`` change that."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.mode = "pass"
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._listen()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _listen(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(128)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def partition(self) -> None:
        """Unreachable but alive: every connection cut, new ones refused."""
        self.mode = "partition"
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        self._close_all()

    def hang(self) -> None:
        """Open connections stop answering; new ones are accepted and never answered."""
        self.mode = "hang"

    def heal(self) -> None:
        was = self.mode
        self.mode = "pass"
        if was == "hang":
            self._close_all()  # what was sent meanwhile is lost, as with a real hang
        if self._server is None:
            self._listen()

    def close(self) -> None:
        self.partition()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if server is not self._server:  # partitioned meanwhile: a closed listener may still accept once
                client.close()
                server.close()
                return
            with self._lock:
                self._sockets.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                while self.mode == "hang":
                    time.sleep(0.05)  # hold it: the other side waits for an answer that never comes
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)
