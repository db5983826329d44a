"""``bulletin-search serve``: the web front-end on waitress, a production WSGI server."""
from __future__ import annotations

import re
import socket
import sys

from . import create_app

_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def _lenient_channel():
    """A waitress channel whose request parser percent-encodes raw non-ASCII bytes in the request
    line first. curl and hand-written scripts send `?q=应急厅` unencoded; waitress refuses that as
    "Bad URI" in plain text (HTTP says the target is ASCII, Pylons/waitress#127), where a clerk
    expects the same answer as for `?q=%E5%BA%94…`. Encoding a byte as %XX changes nothing for the
    app, which decodes both alike, and malformed UTF-8 still reaches it as a bad escape."""
    from waitress.channel import HTTPChannel
    from waitress.parser import HTTPRequestParser

    class LenientRequestParser(HTTPRequestParser):
        def parse_header(self, header_plus):
            first, sep, rest = header_plus.partition(b"\r\n")
            first = _RAW_BYTE.sub(lambda m: b"%%%02X" % m.group(0)[0], first)
            return super().parse_header(first + sep + rest)

    class LenientChannel(HTTPChannel):
        parser_class = LenientRequestParser

    return LenientChannel


def allowed_hosts(host: str, extra=()) -> tuple[str, ...]:
    """The host names a server bound to ``host`` answers to: loopback, the bound name itself, and
    ``extra``; bound to every interface, also this machine's own names and addresses."""
    names = ["localhost", "127.0.0.1", "::1", host, *extra]
    if host in ("", "0.0.0.0", "::"):
        names += [socket.gethostname(), socket.getfqdn()]
        try:
            names += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)]
        except OSError:  # a host name that does not resolve: its name is all there is
            pass
    return tuple(dict.fromkeys(n for n in names if n and n not in ("0.0.0.0", "::")))


# Slow and idle clients. A connection that has not sent a whole request holds no worker thread, only a
# socket in waitress's event loop, so many of them are cheap: the limit is set far above waitress's
# default of 100, which a few dozen stalled browsers or a slowloris reach, after which the server
# stops accepting anyone. The loop polls (select() stops at 1024 descriptors), and a connection
# silent for CHANNEL_TIMEOUT seconds is closed, checked every few seconds rather than every 30.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT = 30


def serve(index_dir: str, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
          connection_limit: int = CONNECTION_LIMIT, channel_timeout: int = CHANNEL_TIMEOUT,
          watch: list[str] | None = None, prune: bool = False, extra_hosts=()) -> None:
    """Serve the app over ``index_dir`` until interrupted. Bound to loopback unless told otherwise;
    beyond it, put a reverse proxy in front (README, "Serving beyond this machine"). Answers only
    requests naming one of ``allowed_hosts(host, extra_hosts)``.
    ``watch``: folders whose new and changed bulletin files are indexed while serving
    (indexer.watch); ``prune``: their removed files' issues are dropped too."""
    from waitress import create_server
    from waitress.server import BaseWSGIServer, MultiSocketServer

    app = create_app({"INDEX_DIR": index_dir, "ALLOWED_HOSTS": allowed_hosts(host, extra_hosts)})
    with app.app_context():
        # Open the index now, so a missing or broken one is reported at start, not on a first search.
        from .searching import get_service

        stats = get_service().stats()
        get_service().prepare_suggestions()  # not in the first search that finds nothing
    server = create_server(app, host=host, port=port, threads=threads, ident="bulletin-search",
                           # a search URL is short; anything huge is refused before it reaches Flask
                           max_request_header_size=64 * 1024, max_request_body_size=1024 * 1024,
                           connection_limit=connection_limit, channel_timeout=channel_timeout,
                           cleanup_interval=max(1, min(10, channel_timeout // 2)), asyncore_use_poll=True)
    channel = _lenient_channel()
    # one listener, or one per address when a host name resolves to several (IPv4 and IPv6)
    listeners = server.map.values() if isinstance(server, MultiSocketServer) else [server]
    for listener in list(listeners):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    print(f"serving {stats['issues']} issues ({stats['sections']} sections) from {index_dir} "
          f"on http://{host}:{port}/ with {threads} threads", file=sys.stderr, flush=True)
    print(f"answering to the host names {', '.join(app.config['ALLOWED_HOSTS'])} "
          "(add one with --allowed-host)", file=sys.stderr, flush=True)
    watcher = None
    if watch:
        from indexer.watch import Watcher

        watcher = Watcher(watch, index_dir, prune=prune).start()
    try:
        server.run()
    finally:
        if watcher is not None:
            watcher.stop()
