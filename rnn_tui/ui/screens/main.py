"""The main screen: the panels, the keys, and the frame timer that turns training reports into pixels.

The first paint shows the frame (title, tabs, status, keys) and the scenario's network
unrolled over its description (``FirstLook``) before the panels' modules are even imported
(numpy, charts), and torch loads after that: the app opens fast, with something to read.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Container, Horizontal
from textual.widgets import Input, Static, Tab, Tabs

from rnn_tui.core.scenario import Scenario
from rnn_tui.core.vocabulary import CELL_LABELS, CELLS
from rnn_tui.ui.keys_footer import KeysFooter
from rnn_tui.ui.lessons.mode import LESSON_BINDINGS, LessonMode
from rnn_tui.ui.messages import CompareRequested
from rnn_tui.ui.panel_tabs import PanelTabs
from rnn_tui.ui.panels.first_look import FirstLook
from rnn_tui.ui.panels.status import StatusLine
from rnn_tui.ui.panels.text_line import TextLine
from rnn_tui.ui.protocol import Failed, Ready, State, Steps, WeightsAt
from rnn_tui.ui.screens.model_link import ModelLink
from rnn_tui.ui.screens.screen_parts import Panels
from rnn_tui.ui.screens.settings_flow import SettingsFlow
from rnn_tui.ui.session import Session
from rnn_tui.ui.training_process import TrainingProcess

if TYPE_CHECKING:
    from rnn_tui.core.lessons.model import Lesson
    from rnn_tui.ui.widgets import Banner

PANELS = (
    ("setup", "Setup"),
    ("timestep", "Timestep"),
    ("training", "Training"),
    ("try", "Try it"),
    ("compare", "Compare"),
    ("inside", "Inside"),
    ("map", "Map"),
    ("sweep", "Sweep"),
)
FRAME_SECONDS = 0.1  # reports are taken and the status redrawn 10 times a second
CHART_SECONDS = 0.4  # while training a chart redraws 2.5 times a second: each costs tens of ms
FIRST_FRAME_GRACE = 0.08  # seconds for the writer thread to send the first frame
STARTUP_DELAY = 0.05  # after the panels are up, before spawning the trainer and importing torch
LR_FACTOR = 2.0
MOVE = Binding.Group("t", compact=True)
LR = Binding.Group("lr", compact=True)
PANEL = Binding.Group("panel", compact=True)
VIEW = Binding.Group("view", compact=True)  # what the timestep panel shows: layer, heatmap row
WIDE_FOOTER = 120  # columns from which the footer has room for every key
HELP_SCREEN = "rnn-tui-help"
FOOTER_WHEN_WIDE = {
    "next_panel",
    "previous_panel",
    "enter_panel",
    "next_sample",
    "cycle_layer",
    "cycle_heatmap_row",
    "leave_field",
}
WITH_FIELDS = ("setup", "try", "compare", "inside", "sweep")  # panels enter_panel goes into


class MainScreen(ModelLink, SettingsFlow, LessonMode):
    """Setup, timestep, training, try-it and compare panels; a status line; every key."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    AUTO_FOCUS = ""  # no auto focus: keys act on the app until the user enters a field
    BINDINGS = [
        Binding("space", "toggle_training", "train"),
        Binding("n", "step", "step"),
        Binding("r", "reset", "reset"),
        Binding("left", "move(-1)", "previous timestep", group=MOVE),
        Binding("right", "move(1)", "next timestep", group=MOVE),
        Binding("home", "jump(False)", "first timestep", group=MOVE, key_display="⇱"),
        Binding("end", "jump(True)", "last timestep", group=MOVE, key_display="⇲"),
        Binding("c", "cycle_cell", "cell"),
        Binding("g", "toggle_clipping", "clip"),
        Binding("left_square_bracket", "learning_rate(False)", "learning rate ÷2", group=LR),
        Binding("right_square_bracket", "learning_rate(True)", "learning rate ×2", group=LR),
        # In the footer from WIDE_FOOTER columns (see active_bindings); the tab row says
        # "tab ⇄ panel" at every width.
        Binding(
            "tab",
            "next_panel",
            "next panel",
            show=False,
            group=PANEL,
            priority=True,
            key_display="⇥",
        ),
        Binding(
            "shift+tab",
            "previous_panel",
            "previous panel",
            show=False,
            group=PANEL,
            priority=True,
            key_display="⇤",
        ),
        # Into the shown panel's fields (Setup's rows, Try it's and Compare's input):
        # showing a panel focuses nothing, so space and the arrows stay the app's.
        Binding("enter,down", "enter_panel", "fields", show=False, key_display="⏎"),
        Binding("s", "next_sample", "sample", show=False),
        # One footer entry "lv view" when wide: the footer has no room for two.
        Binding("l", "cycle_layer", "layer", show=False, group=VIEW),
        Binding("v", "cycle_heatmap_row", "heatmap row", show=False, group=VIEW),
        Binding("escape", "leave_field", "leave", show=False),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
        # What a terminal user presses to leave; Textual's default only says "press q".
        # A focused text field keeps ctrl+c for copying.
        Binding("ctrl+c", "quit", "quit", show=False),
    ]

    def __init__(
        self,
        scenario: Scenario,
        catalog: dict[str, Scenario],
        startup_error: str | None = None,
        process: TrainingProcess | None = None,
        lesson: tuple[Lesson, int] | None = None,
    ) -> None:
        """``process``: a training process already started on ``scenario`` (see launch.open_app);
        ``lesson``: a lesson to open in lesson mode, and its step to start at (0-based)."""
        super().__init__()
        self._pending_lesson = lesson
        self.session = Session(scenario, process)
        self.catalog = catalog
        self.panel = "timestep"
        self.panels = None  # set once mounted
        self._status_line: StatusLine | None = None
        self._pending_banner = (startup_error, "error") if startup_error else None
        self._footer_wide = False  # whether the footer shows FOOTER_WHEN_WIDE too
        self._help_for: Scenario | None = None  # the scenario the installed help screen describes

    @property
    def scenario(self) -> Scenario:
        return self.session.scenario

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TextLine(self.title_text(), id="title-bar")
        with Horizontal(id="tab-row"):
            tabs = PanelTabs(
                *(Tab(label, id=f"tab-{name}") for name, label in PANELS),
                active="tab-timestep",
                id="panel-tabs",
            )
            tabs.can_focus = False
            yield tabs
            yield Static("tab ⇄ panel", id="tab-hint")
        with Horizontal(id="body"), Container(id="panels"):
            yield FirstLook(self.scenario, id="panels-loading")  # read while torch loads
        yield StatusLine(id="status")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.set_interval(FRAME_SECONDS, self.frame)
        # Setup's border colour is an inline style (see _show_panels): follow the theme.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show_panels())
        # Not right after the first refresh: importing the panels' modules (numpy, the
        # charts) holds the GIL and would keep the driver's writer thread from putting that
        # first frame on the terminal (measured: 0.36 s to the first screen, not 0.75 s).
        self.call_after_refresh(self.set_timer, FIRST_FRAME_GRACE, self._mount_panels)

    async def _mount_panels(self) -> None:
        from rnn_tui.ui.panels.compare import ComparePanel
        from rnn_tui.ui.panels.inside import InsidePanel
        from rnn_tui.ui.panels.setup import SetupPanel
        from rnn_tui.ui.panels.state_map import MapPanel
        from rnn_tui.ui.panels.sweep import SweepPanel
        from rnn_tui.ui.panels.timestep import TimestepPanel
        from rnn_tui.ui.panels.training import TrainingPanel
        from rnn_tui.ui.panels.try_it import TryItPanel
        from rnn_tui.ui.widgets import Banner

        panels = Panels(
            setup=SetupPanel(self.scenario, self.catalog, id="setup"),
            timestep=TimestepPanel(id="timestep", classes="panel"),
            training=TrainingPanel(self.scenario, id="training", classes="panel"),
            try_it=TryItPanel(id="try", classes="panel"),
            compare=ComparePanel(self.scenario, id="compare", classes="panel"),
            banner=Banner(id="banner"),
            inside=InsidePanel(id="inside", classes="panel"),
            state_map=MapPanel(id="map", classes="panel"),
            sweep=SweepPanel(self.scenario, id="sweep", classes="panel"),
        )
        await self.mount(panels.banner, before="#tab-row")
        await self.query_one("#body").mount(panels.setup, before="#panels")
        await self.query_one("#panels").mount_all(
            [panels.timestep, panels.training, panels.try_it, panels.compare]
            + [panels.inside, panels.state_map, panels.sweep]
        )
        # Kept as attributes: a query walks the DOM, and the frame timer asks 10 times a second.
        self.panels = panels
        await self.query_one("#panels-loading").remove()
        self._show_panels()
        if self._pending_banner:
            self.show_banner(*self._pending_banner)
        if self._pending_lesson is not None:
            self.start_lesson(*self._pending_lesson)
        # Importing torch (in the mirror's worker thread) holds the GIL for long stretches:
        # start it once the screen is complete.
        self.set_timer(STARTUP_DELAY, self._start_engine)

    def _start_engine(self) -> None:
        if self.session.closed:
            return  # ended (a signal) while the screen was still being built
        # Imported now, not when a signal ends the app: while torch loads (in the mirror's
        # thread, next) the dynamic loader's lock is held for seconds, and the import of a
        # C module (json's) would wait for it.
        from rnn_tui.ui.screens import files  # noqa: F401

        self.session.start()
        # The UI's model copy (torch again, and the data) waits for the training process
        # to be ready (_build_first_mirror): built meanwhile, it took CPU from it.

    def _build_first_mirror(self) -> None:
        if self.mirror is None and self.mirror_generation == 0:
            self.build_mirror()

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)
        self.session.close()

    def stop_processes(self, timeout: float) -> None:
        """Stop the training and compare processes; either not gone within ``timeout``
        seconds of being told is terminated."""
        self.session.close(timeout)
        if self.panels is not None:
            self.panels.compare.stop(timeout)
            self.panels.sweep.stop(timeout)

    # -- parts ----------------------------------------------------------------------
    @property
    def status_line(self) -> StatusLine:
        if self._status_line is None:
            self._status_line = self.query_one(StatusLine)
        return self._status_line

    @property
    def typing(self) -> bool:
        """Whether a text field has the keys (then the app's keys do not act)."""
        return isinstance(self.focused, Input)

    @property
    def banner(self) -> Banner | None:
        return None if self.panels is None else self.panels.banner

    def show_banner(self, text: str, level: str = "info") -> None:
        if self.banner is None:
            self._pending_banner = (text, level)
        else:
            self.banner.show(text, level)

    def title_text(self) -> str:
        s = self.scenario
        m = s.model
        cell = CELL_LABELS[m.cell] + (f" ({m.nonlinearity})" if m.cell == "rnn" else "")
        # Most useful first: on a narrow terminal the scenario's long title is what gets cut.
        return f" rnn-tui · {s.name} · {s.topology} · {cell} {m.hidden_size}×{m.num_layers} · {s.title}"

    # -- the frame: reports in, pixels out ----------------------------------------------
    def frame(self) -> None:
        """Take every waiting report, then redraw what is shown (never once per step)."""
        session, panels = self.session, self.panels
        for report in session.poll():
            if panels is not None:
                panels.training.receive(report)
            self.lesson_receive(report)
            match report:
                case Ready():
                    self.refresh_bindings()
                    self.trace_stale = True
                    self._build_first_mirror()
                case WeightsAt():
                    self.trace_stale = True
                case State(why=why):
                    self._on_state(why)
                case Failed(message):
                    self._on_error(message)
                    self._build_first_mirror()  # its error, if the same, in the timestep view
                case Steps():
                    pass  # the training panel took them
        if self.trace_stale and session.weights is not None:
            self.request_trace()
        if panels is None:
            self.status_line.show(session, None)
            return
        with self.app.batch_update():
            # One chart per frame, each at most every CHART_SECONDS while training.
            if self.on_screen("training"):
                min_interval = CHART_SECONDS if session.running else 0.0
                panels.training.redraw(limit=1, min_interval=min_interval)
            self.status_line.show(
                session, panels.training.grad_norm.clip_fraction, self.typing
            )
            panels.compare.frame()
            panels.inside.frame(self.on_screen("inside"))
            panels.state_map.frame(self.on_screen("map"))
            panels.sweep.frame(self.on_screen("sweep"))

    def _on_state(self, why: str) -> None:
        session = self.session
        if why == "diverged":
            self.show_banner(
                f"DIVERGED at step {session.diverged_step}: {session.diverged}. "
                "Turn clipping on (g), lower the learning rate ([) or reset (r).",
                "error",
            )
        elif why == "budget" and not self.lesson_training:
            self.notify(
                f"Trained to step {session.step}, the scenario's budget; space trains "
                f"{session.budget} more.",
                title="Budget reached",
            )
        elif why == "running" and self.banner is not None and self.banner.level == "error":
            self.banner.clear()
        self.refresh_bindings()

    def _on_error(self, message: str) -> None:
        session = self.session
        if session.awaiting_ready and session.previous is not None:
            previous = session.revert()
            if previous is not None:
                self.scenario_changed(previous, note="")
                self.show_banner(
                    f"Not applied, went back to the previous settings: {message}", "error"
                )
                if self.panels is not None:
                    self.panels.setup.show_message(message)
                return
        self.show_banner(message, "error")
        self.refresh_bindings()

    # -- actions (the keys) -------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        lesson_says = self.lesson_check_action(action)
        if lesson_says is not None:
            return lesson_says
        if action in ("toggle_training", "step") and not self.session.ready:
            return None  # shown dimmed while loading
        if action == "enter_panel":
            # Only where there is a field and the keys are not in one already (there
            # enter and down are the field's).
            return self.panel in WITH_FIELDS and self.focused is None
        if action == "leave_field":
            return self.focused is not None  # never both: the wide footer has room for one
        return True

    def action_toggle_training(self) -> None:
        session = self.session
        if session.running:
            session.pause()
            return
        if self.panels is not None and self.panels.sweep.running:
            self.notify(
                "A sweep is running (Sweep panel); train when it is done or stopped "
                "(escape there).",
                severity="warning",
            )
            return
        if self.panels is not None and self.panels.compare.running:
            # Two trainings at once would halve both on 2 cores.
            self.notify(
                "A comparison is running (Compare panel); training resumes when it is done "
                "or stopped (escape there).",
                severity="warning",
            )
            return
        problem = session.run()
        if problem:
            self.notify(problem, severity="warning")
        elif self.banner is not None and self.banner.level == "info":
            self.banner.clear()

    def action_step(self) -> None:
        problem = self.session.step_once()
        if problem:
            self.notify(problem, severity="warning")

    def action_reset(self) -> None:
        def reset() -> None:
            self.session.reset()
            self.scenario_changed(
                self.scenario, note="Model reset: new initial weights (same seed)."
            )

        self.confirm_discard("Reset builds fresh weights.", reset)

    def action_move(self, delta: int) -> None:
        if self.panels is not None:
            self.panels.timestep.move(delta)

    def action_jump(self, end: bool) -> None:
        if self.panels is not None:
            self.panels.timestep.jump(end)

    def action_next_sample(self) -> None:
        if self.mirror is None:
            return
        if self.typed is None:
            self.sample = (self.sample + 1) % self.mirror.test_size
        self.typed = None
        self.trace_stale = True

    def action_cycle_layer(self) -> None:
        if self.panels is not None:
            self.panels.timestep.cycle_layer()

    def action_cycle_heatmap_row(self) -> None:
        if self.panels is not None:
            self.panels.timestep.cycle_heatmap_row()

    def action_cycle_cell(self) -> None:
        cell = CELLS[(CELLS.index(self.scenario.model.cell) + 1) % len(CELLS)]
        self.request_changes({"model.cell": cell})

    def action_toggle_clipping(self) -> None:
        self.request_changes({"training.clip": not self.scenario.training.clip})
        training = self.scenario.training
        self.notify(
            f"Gradient clipping {'on' if training.clip else 'off'} (max norm {training.max_norm:g})"
        )

    def action_learning_rate(self, up: bool) -> None:
        value = self.scenario.training.learning_rate
        value = value * LR_FACTOR if up else value / LR_FACTOR
        self.request_changes({"training.learning_rate": float(f"{value:.3g}")})

    def action_next_panel(self) -> None:
        self.show_panel(self._panel_after(+1))

    def action_previous_panel(self) -> None:
        self.show_panel(self._panel_after(-1))

    def _panel_after(self, delta: int) -> str:
        names = [name for name, _ in PANELS if not self.panel_hidden(name) or name == self.panel]
        return names[(names.index(self.panel) + delta) % len(names)]

    def show_panel(self, name: str, hidden_too: bool = False) -> None:
        """Show a panel (on a wide screen Setup is the sidebar: "showing" it highlights it).

        Nothing is focused, at every width: the app's keys act until the user goes into
        a panel's fields (enter, or down in Setup). A panel the lesson hides is shown
        only when the lesson itself asks (``hidden_too``)."""
        if self.panel_hidden(name) and not hidden_too:
            return
        self.panel = name
        if name != "setup":
            self.panel_beside = name
        # Our own change of the active tab must not come back as a TabActivated: queued
        # behind fast presses of tab, those switched panels back and forth for ever.
        with self.prevent(Tabs.TabActivated):
            self.query_one(Tabs).active = f"tab-{name}"
        self._show_panels()
        self.set_focus(None)
        self.refresh_bindings()  # enter_panel depends on the panel, not only on focus
        if name == "setup":
            return
        if name == "timestep":
            self.trace_stale = True
        elif name == "inside" and self.panels is not None:
            self.panels.inside.offer_spec()  # the cursor's step, before the user goes in
        self.frame()

    def action_enter_panel(self) -> None:
        panels = self.panels
        if panels is None:
            return
        if self.panel == "setup":
            panels.setup.focus_row(0)
        elif self.panel == "try":
            panels.try_it.focus_input()
        elif self.panel == "compare":
            panels.compare.focus_default()
        elif self.panel == "inside":
            panels.inside.focus_default()
        elif self.panel == "sweep":
            panels.sweep.focus_default()

    def _show_panels(self) -> None:
        """Visibility by inline styles, not CSS classes: a class change restyles every
        widget below it (measured: 40 ms for the screen, 35 ms for Setup's fields)."""
        panels, container = self.panels, self.query_one("#panels")
        setup_active = self.panel == "setup"
        if panels is not None:
            setup = panels.setup
            wide = self.has_class("-wide")
            setup.display = (wide or setup_active) and not self.panel_hidden("setup")
            container.display = wide or not setup_active
            colour = self.app.get_css_variables()["accent" if setup_active else "panel-lighten-2"]
            setup.styles.border_right = ("vkey", colour) if wide else None
        if not setup_active and panels is not None:
            for key in ("timestep", "training", "try", "compare", "inside", "map", "sweep"):
                panels.by_name(key).styles.visibility = "visible" if key == self.panel else "hidden"

    def on_resize(self) -> None:
        self._show_panels()  # the breakpoint (narrow, wide) may have changed
        wide = self.size.width >= WIDE_FOOTER
        if wide != self._footer_wide:
            self._footer_wide = wide
            self.refresh_bindings()  # the footer recomposes with or without the extra keys

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """What the footer shows: at WIDE_FOOTER columns and more, every key; narrower,
        the extra ones (panels, sample, layer, leave a field) would overflow, and the tab
        row, help and the palette list them. While typing the letter keys are the field's
        (Textual leaves them out), so there is room for escape at every width."""
        bindings = super().active_bindings
        if self.lesson is not None:  # a key the teacher hid leaves the footer
            bindings = {key: b for key, b in bindings.items() if not self.key_hidden(key)}
        if self._footer_wide:
            extra = FOOTER_WHEN_WIDE
        elif self.typing:
            extra = {"leave_field"}
        else:
            return bindings
        last = len(BINDING_ORDER)
        keys = sorted(
            bindings, key=lambda key: BINDING_ORDER.get(bindings[key].binding.action, last)
        )
        return {
            key: bindings[key]._replace(
                binding=dataclasses.replace(bindings[key].binding, show=True)
            )
            if bindings[key].binding.action in extra
            else bindings[key]
            for key in keys
        }

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """A click on a tab (key presses come through show_panel)."""
        event.stop()
        name = event.tab.id.removeprefix("tab-") if event.tab and event.tab.id else self.panel
        if name != self.panel:
            self.show_panel(name)

    def action_leave_field(self) -> None:
        self.set_focus(None)

    def action_help(self) -> None:
        from rnn_tui.ui.screens.help import HelpScreen

        # Installed once per scenario and pushed again: composing its Markdown each time
        # cost about as much as the rest of opening it.
        if self._help_for is not self.scenario:
            if self._help_for is not None:
                self.app.uninstall_screen(HELP_SCREEN)
            self.app.install_screen(HelpScreen(self.scenario, KEY_BINDINGS), HELP_SCREEN)
            self._help_for = self.scenario
        self.app.push_screen(HELP_SCREEN)

    def action_quit(self) -> None:
        """Ask first when quitting would lose work: a sweep or comparison still running
        (minutes of runs), then training not saved (``confirm_discard``)."""
        running = self._running_work()
        if running is None:
            self.confirm_discard("Quitting ends the session.", self.app.exit)
            return
        from rnn_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.confirm_discard("Quitting ends the session.", self.app.exit)

        self.app.push_screen(ConfirmScreen(f"{running} Quitting stops it. Quit?"), answered)

    def _running_work(self) -> str | None:
        """A sentence on the sweep or comparison still running, or None."""
        panels = self.panels
        if panels is None:
            return None
        sweep = panels.sweep
        if sweep.running and sweep.plan is not None:
            return (
                f"A sweep is running ({len(sweep.points)} of {len(sweep.plan.runs)} runs "
                "done; ctrl+p → \"Sweep: save as JSON\" keeps the finished ones)."
            )
        if panels.compare.running:
            return "A comparison of RNN, LSTM and GRU is running (Compare panel)."
        return None

    def on_compare_requested(self, message: CompareRequested) -> None:
        self.session.pause()
        if self.panels is not None:
            self.panels.compare.start(message.steps)


# The screen's keys as Binding objects (Textual's BINDINGS also admits tuples).
KEY_BINDINGS = [
    binding for binding in (*MainScreen.BINDINGS, *LESSON_BINDINGS) if isinstance(binding, Binding)
]
# Where each action comes in the footer: BINDINGS' order (Textual puts priority ones first).
BINDING_ORDER = {binding.action: index for index, binding in enumerate(KEY_BINDINGS)}
