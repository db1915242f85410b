"""Command line: `rnn-tui` opens the app; list / train / trace / ablate / sweep / learn / serve.

Heavy imports (torch, textual) happen inside the commands that need them, so
`rnn-tui list` and `--help` answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

COMMANDS = ("list", "train", "trace", "ablate", "sweep", "serve", "learn", "app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-tui",
        description="A keyboard-driven terminal playground for recurrent neural networks. "
        "With no command (or just a scenario), opens the app.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = commands.add_parser("app", help="open the app (the default)")
    app.add_argument("scenario", nargs="?", help="built-in scenario name or path to a .toml file")
    _settings(app)

    commands.add_parser("list", help="list the built-in scenarios")

    train = commands.add_parser("train", help="train a scenario headless and report its goal")
    _common(train, steps_help="training steps (default: the scenario's budget)")
    train.add_argument("--json", metavar="OUT", help="write every step's report and a summary as JSON")
    train.add_argument("--save", metavar="PATH", help="save the trained weights (safetensors)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    trace = commands.add_parser("trace", help="train N steps, then trace one held-out example as JSON")
    _common(trace, steps_help="training steps before the trace (default: 0, the weights as built or loaded)")
    trace.add_argument("--sample", type=_non_negative, default=0, metavar="I", help="held-out example index")
    trace.add_argument("--json", metavar="OUT", required=True, help="where to write the trace ('-' for stdout)")
    trace.add_argument(
        "--intervene", action="append", default=[], metavar="SPEC",
        help="set a unit's h, c or gate and re-run the rest, e.g. h:12@5=0 (t=5), h:12@5..=0 (from t=5 on), "
        "f:*@2=0 (every forget gate at t=2); repeatable; grammar in the README",
    )

    ablate = commands.add_parser("ablate", help="rank units by how much the held-out metric drops without each")
    _common(ablate, steps_help="training steps before ranking (default: 0, the weights as built or loaded)")
    ablate.add_argument("--row", choices=("h", "c"), default="h", help="ablate h (default) or an LSTM's c")
    ablate.add_argument("--part", choices=("rnn", "encoder", "decoder"), help="which part (default: the first)")
    ablate.add_argument("--layer", type=_positive, default=1, metavar="N", help="layer, from 1 (default 1)")
    ablate.add_argument("--top", type=_positive, default=10, metavar="K", help="units listed (default 10)")
    ablate.add_argument("--json", metavar="OUT", help="write the whole ranking as JSON ('-' for stdout)")
    ablate.add_argument("--quiet", action="store_true", help="no progress bar")

    _sweep(commands.add_parser("sweep", help="train every value x cell x seed of one setting; table, JSON, CSV"))

    from rnn_tui.learn_cli import add_parser as add_learn

    add_learn(commands, _non_negative)

    serve = commands.add_parser("serve", help="serve the app in a browser on localhost (textual-serve)")
    serve.add_argument("scenario", nargs="?")
    _settings(serve)
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; no authentication)")
    return parser


def _common(command: argparse.ArgumentParser, steps_help: str) -> None:
    command.add_argument("scenario", help="built-in scenario name or path to a .toml file")
    command.add_argument("--steps", type=_non_negative, metavar="N", help=steps_help)
    command.add_argument("--load", metavar="PATH", help="start from saved weights (safetensors)")
    _settings(command)


def _settings(command: argparse.ArgumentParser) -> None:
    """--cell, --seed and --set: the same overrides for the app, serve, train and trace."""
    from rnn_tui.core.vocabulary import CELLS

    command.add_argument("--cell", choices=CELLS, help="override the scenario's cell")
    command.add_argument("--seed", type=_non_negative, metavar="N", help="override the scenario's seed")
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
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive; use 1 or more")
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
    except BrokenPipeError:
        # The reader left (`rnn-tui learn | head`): stop quietly, as cat does. Point
        # stdout at /dev/null so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


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
    if args.command == "ablate":
        from rnn_tui.ablate_command import ablate

        return ablate(args)
    if args.command == "learn":
        from rnn_tui.learn_cli import learn

        return learn(args)
    # Before any UI: the app would open a fallback with a banner (and, with no terminal, hang).
    check_scenario_exists(args.scenario)
    settings = setting_args(args)
    if settings:  # a bad --set is an exit-2 message here, before any UI
        from rnn_tui.core.changes import apply_changes, parse_setting
        from rnn_tui.core.scenario import DEFAULT_SCENARIO, load_scenario

        scenario = load_scenario(args.scenario or DEFAULT_SCENARIO)
        apply_changes(scenario, dict(map(parse_setting, settings)))
    if args.command == "serve":
        from rnn_tui.serve import serve

        return serve(args.scenario, args.host, args.port, settings)
    from rnn_tui.launch import open_app

    return open_app(args.scenario, settings)


def setting_args(args: argparse.Namespace) -> list[str]:
    """--cell, --seed and --set as KEY=VALUE items, in the order they apply."""
    items = list(args.set)
    if args.cell:
        items.append(f"model.cell={args.cell}")
    if args.seed is not None:
        items.append(f"training.seed={args.seed}")
    return items


def check_scenario_exists(name: str | None) -> None:
    """A name that is neither a built-in scenario nor a file: exit 2 with the list (a typo)."""
    if name is None:
        return
    from rnn_tui.core.errors import ScenarioError
    from rnn_tui.core.scenario import find_scenario

    try:
        find_scenario(name)
    except ScenarioError as error:
        commands = ", ".join(c for c in COMMANDS if c != "app")
        raise ScenarioError(f"{error} The commands are {commands} (rnn-tui --help).") from None


if __name__ == "__main__":
    raise SystemExit(main())
