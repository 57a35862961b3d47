"""The one exception type the CMDB raises, carrying what a FortiOS error envelope needs."""

from __future__ import annotations

# FortiOS internal error numbers used by the simulator ("Return code N" of the CLI; simulator/README.md).
NOT_FOUND = -3
DUPLICATE = -5
IN_USE = -23
INVALID_VALUE = -651
COMMAND_ERROR = -61
INCOMPLETE = -160  # "incomplete command in the end" (public CLI capture, simulator/README.md)
PERMISSION = -37


class CmdbError(Exception):
    """A refused CMDB operation: ``http_status`` for the HTTP layer, ``error`` and ``cli_error``
    as FortiOS puts them in the JSON envelope (``cli_error`` only for CLI-level validation)."""

    def __init__(self, http_status: int, error: int, message: str, cli_error: bool = False):
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.message = message
        self.with_cli_error = cli_error

    @property
    def cli_error(self) -> str:
        """The text FortiOS's CLI layer would print, ending with the return code (a refusal
        without a reason line of its own prints the return code alone)."""
        head = f"{self.message}\n" if self.message else ""
        return f"{head}Command fail. Return code {self.error}\n"

    @classmethod
    def invalid(cls, message: str) -> "CmdbError":
        return cls(500, INVALID_VALUE, message, cli_error=True)

    @classmethod
    def parse_error(cls, token: object) -> "CmdbError":
        return cls.invalid(f"value parse error before '{token}'")

    @classmethod
    def unknown_attribute(cls, attr: str) -> "CmdbError":
        """An attribute this release does not have, as the FortiOS CLI words it."""
        return cls(500, COMMAND_ERROR, f"command parse error before '{attr}'", cli_error=True)

    @classmethod
    def missing(cls, attr: str) -> "CmdbError":
        """A required attribute left empty at commit: the wording FortiOS's own CLI test
        automation matches (``Attribute(.*?)Must be set``, simulator/README.md "Error messages")."""
        return cls.invalid(f"Attribute '{attr}' Must be set")

    @classmethod
    def check_failed(cls, attr: str, value: object) -> "CmdbError":
        """A commit-time check that refuses ``attr`` = ``value``: FortiOS's generic
        ``node_check_object fail! for <attr> <value>`` line (public CLI captures)."""
        return cls.invalid(f"node_check_object fail! for {attr} {value}")

    @classmethod
    def refused(cls, error: int = INVALID_VALUE) -> "CmdbError":
        """A refusal FortiOS prints no reason line for that we could find: the return code alone."""
        return cls(500, error, "", cli_error=True)

    @classmethod
    def dangling(cls, attr: str, value: object) -> "CmdbError":
        return cls.invalid(
            f"node_check_object fail! for {attr} {value}\n\nvalue parse error before '{value}'"
        )

    @classmethod
    def not_found(cls) -> "CmdbError":
        # REST puts no text in the envelope (404, error -3); the CLI prints the return code alone.
        return cls(404, NOT_FOUND, "")

    @classmethod
    def duplicate(cls) -> "CmdbError":
        # terraform-provider-fortios issue #244 (httpsd debug): "object already exists", nret=-5, HTTP 500.
        return cls(500, DUPLICATE, "")

    @classmethod
    def in_use(cls, detail: str) -> "CmdbError":
        """FortiOS's own words for a referenced entry (``The entry is used by other 2 entries`` /
        ``Command fail. Return code -23``, real CLI captures); ``detail`` (``X is used by a, b``)
        only gives the count and stays in ``.detail`` for logs and the model's explanations."""
        users = detail.rsplit("used by ", 1)[-1].split(", ")
        error = cls(500, IN_USE, f"The entry is used by other {len(users)} entries", cli_error=True)
        error.detail = detail
        return error


class FieldError(ValueError):
    """A value that does not parse for its attribute; the store turns it into a -651
    (``value parse error before '<token>'``)."""

    def __init__(self, attr: str, token: object):
        super().__init__(f"value parse error before '{token}'")
        self.attr = attr
        self.token = token
