"""`rnn-tui serve`: the same app in a browser through textual-serve, one app process per tab."""

from __future__ import annotations

import shlex
import sys

from rnn_tui.core.errors import RnnTuiError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_command(scenario: str | None, settings: list[str] | None = None) -> str:
    """The shell command textual-serve runs for each browser tab."""
    argv = [sys.executable, "-m", "rnn_tui", "app"]
    if scenario:
        argv.append(scenario)
    for item in settings or []:
        argv += ["--set", item]
    return shlex.join(argv)


def serve(
    scenario: str | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: list[str] | None = None,
) -> int:
    """Serve until ctrl+c; returns the exit code. A bad scenario fails here, before serving."""
    if scenario is not None:
        from rnn_tui.core.scenario import load_scenario

        load_scenario(scenario)  # ScenarioError (a user message) before any server starts
    try:
        from textual_serve.server import Server
    except ImportError:
        raise RnnTuiError(
            "serving needs textual-serve: install it with `pip install 'rnn-tui[serve]'` "
            "(or `pip install textual-serve`)."
        ) from None
    if host not in LOOPBACK:
        print(
            f"rnn-tui: warning: serving on {host}, reachable from other machines, "
            "with no authentication: anyone who can connect can use this app.",
            file=sys.stderr,
        )
    print(f"rnn-tui: serving on http://{host}:{port} (ctrl+c stops)", file=sys.stderr)
    server = Server(serve_command(scenario, settings), host=host, port=port, title="rnn-tui")
    server.serve()
    return 0
