"""A lesson can show or hide every panel the app has, and names no panel it lacks."""

from rnn_tui.core.lessons.model import PANELS as LESSON_PANELS
from rnn_tui.ui.screens.main import PANELS as APP_PANELS


def test_the_lesson_vocabulary_names_exactly_the_apps_panels():
    assert set(LESSON_PANELS) == {name for name, _label in APP_PANELS}
