"""The training process ends when the app is gone, whether spawned by it or forked from a server."""

import os
import subprocess
import sys

from rnn_tui.ui.training_process import ParentWatch


def test_a_direct_parent_is_watched_by_being_the_parent():
    watch = ParentWatch(os.getppid())
    assert watch.direct and watch.alive()
    watch.pid = -12345  # as if the parent had changed: reparented, so the app is gone
    assert not watch.alive()


def test_an_app_that_is_not_the_parent_is_watched_by_its_process():
    live = ParentWatch(os.getpid())  # this process: alive, and not our parent
    assert not live.direct and live.alive()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # exited and reaped: its pid names no process now
    assert not ParentWatch(gone.pid).alive()
