"""Screens of the app: the main screen and the modal dialogs over it."""
