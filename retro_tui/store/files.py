"""Atomic, durable file writing and the one parse of a session file.

Every write goes to a temp file in the same folder, is fsynced, renamed over the old file,
and the folder is fsynced: a crash at any moment leaves the old file or the new one, never
a torn one. The hub is the only writer of a session file, so its TinyDB storage keeps the
last data it read or wrote in memory instead of re-parsing it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from retro_tui.store.errors import (
    CorruptSession,
    SessionExists,
    StoreReadError,
    StoreWriteError,
    _write_reason,
)
from retro_tui.store.file_format import Json

# A 5,000-card session is about 2 MB; anything far larger is not a session file.
MAX_FILE_BYTES = 64 * 1024 * 1024


def _sync_data(fd: int) -> None:
    """fdatasync where there is one: the data and its size, not the access times."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS
        os.fsync(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: the directory entry lives in the folder, not in the file."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a directory; nothing to do there
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreWriteError(
            f"Could not create the sessions folder {folder}: {_write_reason(exc)}.",
            folder,
            _write_reason(exc),
        ) from exc


def write_atomic(path: Path, payload: bytes, *, exclusive: bool = False) -> None:
    """Write `payload` to `path` so that a crash leaves the old or the new file, whole.

    With `exclusive`, an existing file is never replaced (`SessionExists`): the temp file
    is hard-linked into place, which fails atomically if the name is taken.
    """
    folder = path.parent
    _ensure_folder(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Could not save {path}: {reason}. The file on disk was left as it was.", path, reason
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            _sync_data(handle.fileno())
        if exclusive:
            _link_new(tmp, path)
        else:
            os.replace(tmp, path)
    except SessionExists:
        _remove_quietly(tmp)
        raise
    except OSError as exc:
        _remove_quietly(tmp)
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Could not save {path}: {reason}. The file on disk was left as it was.", path, reason
        ) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    try:
        _fsync_dir(folder)
    except OSError as exc:
        reason = _write_reason(exc)
        raise StoreWriteError(
            f"Saved {path}, but the folder could not be synced to disk: {reason}.", path, reason
        ) from exc


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise SessionExists(f"A session file {path} already exists.", path) from None
    except OSError as exc:
        # File systems without hard links: check, then rename (a tiny race, no data loss
        # beyond what `create` on such a system can promise).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists():
            raise SessionExists(f"A session file {path} already exists.", path) from None
        os.replace(tmp, path)
        return
    _remove_quietly(tmp)  # the data is in place under its real name


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _encode(data: object) -> bytes:
    """Compact UTF-8 JSON: the C encoder, no indentation, which keeps a save in a few ms."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates cannot be UTF-8; \u escapes keep them and keep the file valid.
        return json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _parse_file(path: Path) -> Json | None:
    """The file's top-level object, None if there is no file; typed errors otherwise."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise CorruptSession(path, f"the file is too large ({size:,} bytes)")
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptSession(path, "a folder, not a file") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreReadError(f"Could not read {path}: {reason}.", path, reason) from exc
    if not raw.strip():
        raise CorruptSession(path, "the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptSession(path, f"not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CorruptSession(
            path, f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise CorruptSession(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("NoneType", "null")
        raise CorruptSession(path, f"not a TinyDB file (the top level is a {kind})")
    return data


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and durably, and reads a file only once.

    The data last read or written stays in memory: the hub is the only writer, so the file
    cannot change under us. Inside `batch()`, TinyDB's table writes are collected and hit
    the disk once when the block ends, so a save that touches two tables is one write.
    """

    def __init__(self, path: str | os.PathLike[str], *, exclusive: bool = False) -> None:
        self.path = Path(path)
        self.exclusive = exclusive  # the next disk write must not replace an existing file
        self._data: Json | None = None
        self._loaded = exclusive  # a file being created starts empty: nothing to read
        self._batch_depth = 0
        self._pending = False

    def read(self) -> Json | None:
        if not self._loaded:
            self._data = _parse_file(self.path)
            self._loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._loaded = True
        if self._batch_depth:
            self._pending = True
        else:
            self._commit()

    def close(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Drop the in-memory copy, so the next read goes back to the file on disk."""
        self._data = None
        self._loaded = False
        self._pending = False

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Collect writes and make them durable as one; on an error nothing is written."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            self.forget()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._pending:
            self._pending = False
            self._commit()

    def _commit(self) -> None:
        try:
            payload = _encode(self._data)
        except (TypeError, ValueError) as exc:
            self.forget()
            raise StoreWriteError(
                f"Could not save {self.path}: the session cannot be written as JSON ({exc}).",
                self.path,
                str(exc),
            ) from exc
        try:
            write_atomic(self.path, payload, exclusive=self.exclusive)
        except BaseException:
            self.forget()  # memory must not claim what the disk does not hold
            raise
        self.exclusive = False
