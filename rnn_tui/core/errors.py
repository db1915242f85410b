"""The one exception type whose message is meant for the user."""


class RnnTuiError(Exception):
    """A problem the user can fix; ``str(error)`` is a complete one-paragraph message."""


class ScenarioError(RnnTuiError):
    """A scenario file (or its data file) is invalid."""


class WeightsError(RnnTuiError):
    """A weights file cannot be saved or loaded."""
