"""Exceptions for the few cases where a job cannot continue at all.

Bad rows are not exceptions: they are Problems in a Report (see batch.report).
An exception here always carries a plain Korean message that says what to do next.

BatchError
 ├── FileRefused      a workbook the importer will not read (code + message)
 └── WorkspaceError   a workspace or batch.toml that cannot be used
"""

from __future__ import annotations


class BatchError(Exception):
    """Base of every error a user may see; ``message`` is Korean and actionable."""

    def __init__(self, message: str) -> None:
        from batch.report import visible  # a message may quote a cell or a file name: show what hides in it

        message = visible(message)
        super().__init__(message)
        self.message = message


class FileRefused(BatchError):
    """The whole file is refused before any row is read.

    ``code`` is a stable kebab-case id (e.g. ``file-not-xlsx``) that tests and reports use.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class WorkspaceError(BatchError):
    """The workspace folder or its batch.toml cannot be used."""


class Interrupted(BatchError):
    """A stop (SIGTERM, Ctrl+C in ``batch watch``) came while a file was being sent: the calls in flight were
    finished or, after a few seconds, abandoned as a kill would (each has its intent in the ledger), and no result
    was written. The file stays where it is and is resumed on the next start."""

    def __init__(self) -> None:
        super().__init__(
            "멈춤 요청으로 파일을 보내다가 멈췄습니다. 다음에 시작할 때 이어서 보내고, 이미 보낸 상품은 다시 보내지 않습니다."
        )
