"""A TCP proxy a test owns, in front of a server it cannot stop (PostgreSQL, Redis): point the app at
``proxy.port`` and the test decides when the server "goes away".

- ``cut()`` closes every proxied connection (as a restart or a failover does to its clients);
- ``refuse()`` stops listening: a new connection is refused, as to a server that is down;
- ``accept()`` listens again on the same port (the server is back);
- ``down()`` is ``refuse()`` and ``cut()``: the server has stopped;
- ``restart(seconds)``: down, and back after ``seconds``.

Threads only (one accepting, two per connection), so it runs inside the test's process.
"""

import contextlib
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = 0
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.accepted = 0  # connections proxied so far

    def __enter__(self) -> "TcpProxy":
        self.accept()
        return self

    def __exit__(self, *_exc) -> None:
        self.down()

    def url(self, url: str) -> str:
        """``url`` (postgresql://…, redis://…) pointed at the proxy instead."""
        where = urlsplit(url)
        credentials = where.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urlunsplit(where._replace(netloc=netloc))

    def accept(self) -> None:
        """Listen (again, on the same port once it has one) and proxy every new connection."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._acceptor.start()

    def refuse(self) -> None:
        """Stop listening: connecting is refused until ``accept``."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._acceptor is not None:
            self._acceptor.join(5)
            self._acceptor = None

    def cut(self) -> int:
        """Close every proxied connection at once; returns how many there were."""
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        return len(pairs)

    def down(self) -> int:
        """The server stops: new connections refused, every open one closed; returns how many."""
        self.refuse()
        return self.cut()

    def restart(self, down_seconds: float = 3.0) -> int:
        """The server restarts: its connections closed, none accepted for ``down_seconds``."""
        cut = self.down()
        time.sleep(down_seconds)
        self.accept()
        return cut

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
                self.accepted += 1
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(pair, source, sink), daemon=True).start()

    def _pump(self, pair, source: socket.socket, sink: socket.socket) -> None:
        """Copy one direction until either side ends, then end both (the other pump closes them)."""
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            first_to_end = pair in self._pairs
            self._pairs.discard(pair)
        for sock in pair:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            if not first_to_end:
                sock.close()
