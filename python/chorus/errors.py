"""Exceptions raised by the chorus binding, one per library status code."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """Mirror of ``chorus_status`` (include/chorus/common.h)."""

    OK = 0
    EINVAL = -1  # an argument or option is invalid
    EFORMAT = -2  # input data is malformed
    EIO = -3  # an input file could not be opened or read
    ENOMEM = -4  # out of memory
    EINTERNAL = -5  # a bug or an unexpected system failure
    EWRITE = -6  # an output file could not be created or written
    EREMOTE = -7  # a remote service (an LLM endpoint) is unreachable or refuses


class ChorusError(Exception):
    """A chorus call failed; ``str(error)`` is the library's message.

    Attributes:
        status: the library's status code (a :class:`Status`).
    """

    def __init__(self, message: str, status: Status = Status.EINTERNAL) -> None:
        super().__init__(message)
        self.status = status


class ChorusInputError(ChorusError, ValueError):
    """The input is at fault (CHORUS_EINVAL, CHORUS_EFORMAT)."""


class ChorusIOError(ChorusInputError, OSError):
    """An input file could not be opened or read (CHORUS_EIO)."""


class ChorusWriteError(ChorusError, OSError):
    """An output file could not be created or written: disk full, no permission, no such
    folder (CHORUS_EWRITE). Not an input error: the same call may succeed elsewhere."""


class ChorusMemoryError(ChorusError, MemoryError):
    """The library ran out of memory (CHORUS_ENOMEM)."""


class ChorusInternalError(ChorusError, RuntimeError):
    """A bug or an unexpected system failure (CHORUS_EINTERNAL)."""


class ChorusRemoteError(ChorusError, ConnectionError):
    """An LLM endpoint is unreachable or refuses every request (CHORUS_EREMOTE)."""


class LibraryNotFoundError(ChorusError, ImportError):
    """libchorus.so could not be found or loaded."""


_BY_STATUS = {
    Status.EINVAL: ChorusInputError,
    Status.EFORMAT: ChorusInputError,
    Status.EIO: ChorusIOError,
    Status.ENOMEM: ChorusMemoryError,
    Status.EINTERNAL: ChorusInternalError,
    Status.EWRITE: ChorusWriteError,
    Status.EREMOTE: ChorusRemoteError,
}


def error_for(status: int, message: str) -> ChorusError:
    """The exception for a status code returned by the library."""
    try:
        code = Status(status)
    except ValueError:
        return ChorusInternalError(f"unknown status {status}: {message}")
    return _BY_STATUS.get(code, ChorusInternalError)(message, code)
