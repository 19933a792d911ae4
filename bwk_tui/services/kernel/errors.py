"""Errors that services raise for the user to read.

A service never formats a message itself: it names a text key and its values,
and whoever shows it (screen or command line) translates it.
"""
from __future__ import annotations

from bwk_tui.i18n import t


class BwkError(Exception):
    """A refused or failed action, with a message for the user."""

    exit_code = 1

    def __init__(self, key: str, /, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, language: str | None = None) -> str:
        return t(self.key, language=language, **self.params)

    def __str__(self) -> str:
        return self.message()


class InvalidInput(BwkError):
    """The input is not acceptable; nothing was saved. ``field`` names the field."""

    def __init__(self, key: str, /, field: str | None = None, **params):
        super().__init__(key, **params)
        self.field = field


class NotAllowed(BwkError):
    """The current account's role may not do this."""


class AuthFailed(BwkError):
    """Login refused: wrong name or PIN, or the account is locked."""


class BackupError(BwkError):
    """A backup or restore could not be made or verified."""


class UsageError(BwkError):
    """The command was called the wrong way (exit code 2, like argparse)."""

    exit_code = 2
