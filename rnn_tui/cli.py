"""Command line: `rnn-tui` opens the app; list / train / trace / serve.

Heavy imports (torch, textual) happen inside the commands that need them, so
`rnn-tui list` and `--help` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

COMMANDS = ("list", "train", "trace", "sweep", "serve", "app")
CELLS = ("rnn", "lstm", "gru")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-tui",
        description="A keyboard-driven terminal playground for recurrent neural networks. "
        "With no command (or just a scenario), opens the app.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = commands.add_parser("app", help="open the app (the default)")
    app.add_argument("scenario", nargs="?", help="built-in scenario name or path to a .toml file")

    commands.add_parser("list", help="list the built-in scenarios")

    train = commands.add_parser("train", help="train a scenario headless and report its goal")
    _common(train)
    train.add_argument("--json", metavar="OUT", help="write every step's report and a summary as JSON")
    train.add_argument("--save", metavar="PATH", help="save the trained weights (safetensors)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    trace = commands.add_parser("trace", help="train N steps, then trace one held-out example as JSON")
    _common(trace)
    trace.add_argument("--sample", type=_non_negative, default=0, metavar="I", help="held-out example index")
    trace.add_argument("--json", metavar="OUT", required=True, help="where to write the trace ('-' for stdout)")

    _sweep(commands.add_parser("sweep", help="train every value x cell x seed of one setting; table, JSON, CSV"))

    serve = commands.add_parser("serve", help="serve the app in a browser on localhost (textual-serve)")
    serve.add_argument("scenario", nargs="?")
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; no authentication)")
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("scenario", help="built-in scenario name or path to a .toml file")
    command.add_argument("--cell", choices=CELLS, help="override the scenario's cell")
    command.add_argument("--steps", type=_non_negative, metavar="N", help="training steps (default: the scenario's budget)")
    command.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
    command.add_argument("--load", metavar="PATH", help="start from saved weights (safetensors)")
    command.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE",
        help="override any scenario setting, e.g. --set model.hidden_size=128 --set training.clip=false",
    )


def _sweep(sweep: argparse.ArgumentParser) -> None:
    sweep.add_argument("scenario", help="built-in scenario name or path to a .toml file")
    sweep.add_argument("--vary", required=True, metavar="KEY=V1,V2,...",
                       help="the setting to vary and its values, e.g. data.params.seq_len=5,10,20,50,100")
    sweep.add_argument("--cells", metavar="C1,C2", help="cells to train, e.g. rnn,lstm,gru (default: the scenario's)")
    sweep.add_argument("--seeds", metavar="S1,S2", help="seeds, e.g. 0,1,2 (default: the scenario's)")
    sweep.add_argument("--steps", type=_non_negative, metavar="N", help="training steps per run (default: the scenario's budget)")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="change a setting for every run")
    sweep.add_argument("--workers", type=_positive, metavar="N", help="worker processes (default: one per core)")
    sweep.add_argument("--timing", action="store_true", help="also plot seconds per step against T (log-log) with the slope")
    sweep.add_argument("--json", metavar="OUT", help="write every run, the aggregates and the timing fits as JSON")
    sweep.add_argument("--csv", metavar="OUT", help="write one row per run as CSV")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("0 is not allowed; use 1 or more")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; use 0 or more")
    return value


def _port(text: str) -> int:
    value = _non_negative(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (1-65535)")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `rnn-tui` and `rnn-tui SCENARIO` open the app.
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv = ["app", *argv]
    args = build_parser().parse_args(argv)
    from rnn_tui.core.errors import RnnTuiError

    try:
        return _dispatch(args)
    except RnnTuiError as error:
        print(f"rnn-tui: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rnn-tui: interrupted", file=sys.stderr)
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "list":
        from rnn_tui.headless import list_scenarios

        return list_scenarios()
    if args.command == "train":
        from rnn_tui.headless import train

        return train(args)
    if args.command == "trace":
        from rnn_tui.headless import trace

        return trace(args)
    if args.command == "sweep":
        from rnn_tui.sweep_cli import sweep

        return sweep(args)
    if args.command == "serve":
        from rnn_tui.serve import serve

        return serve(args.scenario, args.host, args.port)
    from rnn_tui.launch import open_app

    return open_app(args.scenario)


if __name__ == "__main__":
    raise SystemExit(main())
