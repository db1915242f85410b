"""multiprocessing's resource tracker never writes on the app's terminal (its stderr is /dev/null).

Seen in CI: after ctrl+c the tracker printed "There appear to be 1 leaked semaphore
objects" over the restored terminal. Checked in a fresh process, where the first training
process start also starts the tracker, as in the app.
"""

import os
import subprocess
import sys

PROGRAM = """
import os
from multiprocessing import resource_tracker
from rnn_tui.ui.training_process import quiet_resource_tracker
quiet_resource_tracker()
tracker = resource_tracker._resource_tracker._pid
print(os.readlink(f"/proc/{tracker}/fd/2"), os.readlink("/proc/self/fd/2") != os.devnull)
"""


def test_the_tracker_writes_to_dev_null_and_the_app_keeps_its_stderr():
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    tracker_stderr, ours_kept = result.stdout.split()
    assert tracker_stderr == os.devnull and ours_kept == "True"
