"""A persistent store of embedding vectors: one SQLite file, keyed by (model, text hash).

Layout (schema version 1, SQLite ``application_id`` ``0x474D5643``, "GMVC"):

* ``meta(key, value)``: ``schema_version`` and ``created``;
* ``models(ref, model_id, dim, probe)``: one row per vector space (``name@version``), with its
  dimension and the vector of a fixed probe text, used to notice a model whose vectors changed
  under an unchanged id (see :class:`~embeddings.cached_encoder.CachedEncoder`);
* ``vectors(model, key, crc, vector)``: ``key`` is the SHA-256 of the text (and of its kind
  for kind-sensitive models), ``vector`` the ``float32`` little-endian bytes, ``crc`` their
  CRC-32.

Safety:

* **Two processes**: the file is in WAL mode; every write is one ``BEGIN IMMEDIATE``
  transaction, and a writer waits for the lock up to ``timeout`` seconds. Readers never block
  writers. Opening (creation, the switch to WAL, the schema check) is serialised across
  processes by an advisory ``fcntl`` lock on ``<name>.lock``. (WAL needs a local file system:
  not NFS/SMB.)
* **Corruption is detected, not trusted**: a file that is not SQLite, a foreign SQLite database
  (another application id), or an error ``SQLITE_CORRUPT``/``SQLITE_NOTADB`` at any point moves
  the file aside as ``<name>.corrupt-<time>-<pid>`` (under an advisory lock on
  ``<name>.lock``, re-checked there, so that two processes do not both move it) and starts an
  empty cache; an older schema
  of ours is dropped and rebuilt in place. A row whose blob has the wrong length for its model
  or fails its CRC is deleted and reported as a miss. Every such event is counted in
  :attr:`VectorCache.recoveries` and raised as a :class:`CacheCorruptionWarning`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from embeddings.base import Matrix

SCHEMA_VERSION = 1
APPLICATION_ID = 0x474D5643
_SQLITE_MAGIC = b"SQLite format 3\x00"
_LOOKUP_BATCH = 500
_CORRUPTION_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})

_T = TypeVar("_T")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS models ("
    " ref INTEGER PRIMARY KEY, model_id TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL,"
    " probe BLOB, created REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS vectors ("
    " model INTEGER NOT NULL, key BLOB NOT NULL, crc INTEGER NOT NULL, vector BLOB NOT NULL,"
    " PRIMARY KEY (model, key))",
)
_TABLES = frozenset({"meta", "models", "vectors"})


class CacheCorruptionWarning(UserWarning):
    """The vector cache found damaged or foreign content and discarded it."""


@dataclass
class ModelEntry:
    """A vector space registered in the cache.

    Attributes
    ----------
    ref : int
        Row id used in the ``vectors`` table.
    model_id : str
        ``name@version`` of the encoder.
    dim : int
        Vector length.
    probe : numpy.ndarray or None
        The stored vector of the probe text, once one was stored.
    """

    ref: int
    model_id: str
    dim: int
    probe: Matrix | None = None


@dataclass
class CacheRecovery:
    """One time the cache discarded something instead of trusting it.

    Attributes
    ----------
    what : str
        ``"file"`` (the whole file moved aside or rebuilt), ``"model"`` (a model's vectors
        dropped) or ``"rows"`` (individual damaged rows deleted).
    reason : str
        Human-readable cause.
    moved_to : str or None
        Where a damaged file was moved.
    """

    what: str
    reason: str
    moved_to: str | None = None


@dataclass
class _State:
    conn: sqlite3.Connection
    pid: int
    models: dict[str, ModelEntry] = field(default_factory=dict)


def is_corruption(exc: BaseException) -> bool:
    """Whether an sqlite3 error means the file is damaged or not a database.

    Parameters
    ----------
    exc : BaseException
        An exception raised by :mod:`sqlite3`.

    Returns
    -------
    bool
        ``True`` for ``SQLITE_CORRUPT``/``SQLITE_NOTADB`` (and their messages); ``False`` for
        e.g. "database is locked", which is a transient condition.
    """
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    if getattr(exc, "sqlite_errorname", None) in _CORRUPTION_CODES:
        return True
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message


def _checksum(blob: bytes) -> int:
    return zlib.crc32(blob)


class VectorCache:
    """Vectors on disk by (model id, text key); safe for concurrent processes.

    Parameters
    ----------
    path : str or os.PathLike
        The SQLite file (created with its parent folders; the engine uses
        ``<data dir>/cache/vectors.sqlite``).
    timeout : float
        Seconds a writer waits for another process's write lock before failing.

    Notes
    -----
    The object can be pickled (the connection is reopened on the other side) and notices a
    ``fork``: a child process opens its own connection.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.recoveries: list[CacheRecovery] = []
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._connection()

    # -- opening, validating, recovering -------------------------------------------------

    def _connection(self) -> _State:
        with self._lock:
            if self._state is not None and self._state.pid == os.getpid():
                return self._state
            self._state = None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Opening (creating the file, switching it to WAL, creating or checking the schema,
            # moving a damaged file aside) is serialised across processes by an advisory lock:
            # SQLite answers a concurrent journal-mode switch with "database is locked" at once.
            with _file_lock(self._lock_path):
                problem = self._header_problem()
                if problem is not None:
                    self._move_aside(problem)
                try:
                    self._state = _State(conn=self._connect(), pid=os.getpid())
                    self._init_schema(self._state.conn)
                except sqlite3.DatabaseError as exc:
                    if not is_corruption(exc):
                        raise
                    self._close_quietly()
                    self._move_aside(f"sqlite error on open: {exc}")
                    self._state = _State(conn=self._connect(), pid=os.getpid())
                    self._init_schema(self._state.conn)
            assert self._state is not None
            return self._state

    @property
    def _lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _header_problem(self) -> str | None:
        try:
            with self.path.open("rb") as handle:
                header = handle.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            return None
        if header and header != _SQLITE_MAGIC[: len(header)]:
            return "not an SQLite file (bad header)"
        if 0 < len(header) < len(_SQLITE_MAGIC):
            return "truncated SQLite header"
        return None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        deadline = time.monotonic() + self.timeout
        while True:  # belt and braces where the advisory lock is unavailable (Windows)
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    conn.close()
                    raise
                time.sleep(0.02)
        if str(mode).lower() != "wal":
            warnings.warn(
                f"vector cache {self.path}: WAL mode unavailable ({mode}); concurrent writers "
                "will wait longer",
                CacheCorruptionWarning,
                stacklevel=4,
            )
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        application_id, tables = self._identity(conn)
        if application_id == APPLICATION_ID and self._schema_ok(conn, tables):
            return
        if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
            conn.close()
            self._state = None
            self._move_aside(
                f"foreign SQLite database (application_id={application_id:#x}, "
                f"tables={sorted(tables)})"
            )
            self._state = _State(conn=self._connect(), pid=os.getpid())
            conn = self._state.conn
        with self._transaction(conn):
            # Re-read inside the write lock: another process may have just created it.
            application_id, tables = self._identity(conn)
            if application_id == APPLICATION_ID and self._schema_ok(conn, tables):
                return
            if application_id == APPLICATION_ID:
                self._record(
                    "file",
                    "cache schema is not version "
                    f"{SCHEMA_VERSION} (or incomplete): rebuilt in place",
                )
                for table in ("vectors", "models", "meta"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA:
                conn.execute(statement)
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('created', ?)",
                (str(SCHEMA_VERSION), str(time.time())),
            )
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    def _identity(conn: sqlite3.Connection) -> tuple[int, set[str]]:
        application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        tables = {
            str(row[0])
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        return application_id, tables

    @staticmethod
    def _schema_ok(conn: sqlite3.Connection, tables: set[str]) -> bool:
        if not tables >= _TABLES:
            return False
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
            return False
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row is not None and row[0] == str(SCHEMA_VERSION)

    def _healthy_file(self) -> bool:
        """Whether the file at :attr:`path` is now a sound cache (checked under the lock)."""
        if not self.path.exists():
            return True
        if self._header_problem() is not None:
            return False
        try:
            conn = sqlite3.connect(str(self.path), timeout=self.timeout)
            try:
                application_id, tables = self._identity(conn)
                if application_id == 0 and not tables:
                    return True
                if application_id != APPLICATION_ID:
                    return False
                return str(conn.execute("PRAGMA quick_check").fetchone()[0]) == "ok"
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return False

    def _quarantine(self, reason: str) -> None:
        """Move a damaged file aside, once across processes (re-checked under the lock)."""
        with _file_lock(self._lock_path):
            if not self._healthy_file():  # else another process already replaced it
                self._move_aside(reason)

    def _move_aside(self, reason: str) -> None:
        """Rename the file (and its WAL and shared-memory files) to ``*.corrupt-<stamp>``."""
        if not self.path.exists():
            return
        stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        self._record("file", reason, moved_to=str(target))

    def _record(self, what: str, reason: str, moved_to: str | None = None) -> None:
        self.recoveries.append(CacheRecovery(what, reason, moved_to))
        where = f"; moved to {moved_to}" if moved_to else ""
        warnings.warn(
            f"vector cache {self.path}: {reason}{where}", CacheCorruptionWarning, stacklevel=4
        )

    def _close_quietly(self) -> None:
        if self._state is not None:
            with contextlib.suppress(sqlite3.Error):
                self._state.conn.close()
            self._state = None

    @contextlib.contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _guarded(self, operation: Callable[[_State], _T]) -> _T:
        """Run ``operation``; on corruption, move the file aside, reopen and retry once."""
        with self._lock:
            try:
                return operation(self._connection())
            except sqlite3.DatabaseError as exc:
                if not is_corruption(exc):
                    raise
                self._close_quietly()
                self._quarantine(f"sqlite error: {exc}")
                return operation(self._connection())

    # -- models ---------------------------------------------------------------------------

    def model(self, model_id: str, dim: int) -> ModelEntry:
        """The cache's entry for a vector space, registering it if new.

        A model id already registered with another dimension is foreign content under our
        name: its vectors are dropped and it is registered afresh.

        Parameters
        ----------
        model_id : str
            ``name@version``.
        dim : int
            The encoder's dimension.

        Returns
        -------
        ModelEntry
            With the stored probe vector, if any.
        """

        def register(state: _State) -> ModelEntry:
            cached = state.models.get(model_id)
            if cached is not None and cached.dim == dim:
                return cached
            conn = state.conn
            with self._transaction(conn):
                row = conn.execute(
                    "SELECT ref, dim, probe FROM models WHERE model_id = ?", (model_id,)
                ).fetchone()
                if row is not None and int(row[1]) != dim:
                    self._record(
                        "model",
                        f"{model_id} was stored with dim {row[1]}, the encoder has {dim}: "
                        "its vectors were dropped",
                    )
                    conn.execute("DELETE FROM vectors WHERE model = ?", (row[0],))
                    conn.execute(
                        "UPDATE models SET dim = ?, probe = NULL WHERE ref = ?", (dim, row[0])
                    )
                    row = (row[0], dim, None)
                if row is None:
                    cursor = conn.execute(
                        "INSERT INTO models (model_id, dim, probe, created) VALUES (?, ?, NULL, ?)",
                        (model_id, dim, time.time()),
                    )
                    row = (cursor.lastrowid, dim, None)
            probe = self._decode(row[2], dim)
            entry = ModelEntry(ref=int(row[0]), model_id=model_id, dim=dim, probe=probe)
            state.models[model_id] = entry
            return entry

        return self._guarded(register)

    def set_probe(self, entry: ModelEntry, vector: Matrix) -> None:
        """Store the probe vector of a model.

        Parameters
        ----------
        entry : ModelEntry
            From :meth:`model`.
        vector : numpy.ndarray
            ``(dim,)`` vector of the probe text.
        """
        blob = np.ascontiguousarray(vector, dtype="<f4").tobytes()

        def store(state: _State) -> None:
            with self._transaction(state.conn):
                state.conn.execute("UPDATE models SET probe = ? WHERE ref = ?", (blob, entry.ref))
            entry.probe = np.asarray(vector, dtype=np.float32).copy()

        self._guarded(store)

    def drop_model(self, entry: ModelEntry, reason: str) -> None:
        """Delete every vector of a model (kept registered, probe cleared).

        Parameters
        ----------
        entry : ModelEntry
            From :meth:`model`.
        reason : str
            Why (recorded in :attr:`recoveries` and warned).
        """

        def drop(state: _State) -> None:
            with self._transaction(state.conn):
                state.conn.execute("DELETE FROM vectors WHERE model = ?", (entry.ref,))
                state.conn.execute("UPDATE models SET probe = NULL WHERE ref = ?", (entry.ref,))
            entry.probe = None

        self._guarded(drop)
        self._record("model", reason)

    # -- vectors ----------------------------------------------------------------------------

    @staticmethod
    def _decode(blob: bytes | None, dim: int) -> Matrix | None:
        if blob is None or len(blob) != dim * 4:
            return None
        return np.frombuffer(blob, dtype="<f4").astype(np.float32)

    def get_many(self, entry: ModelEntry, keys: Sequence[bytes]) -> dict[bytes, Matrix]:
        """Stored vectors for ``keys`` (missing and damaged ones left out).

        Parameters
        ----------
        entry : ModelEntry
            From :meth:`model`.
        keys : sequence of bytes
            Text keys (see :func:`embeddings.cached_encoder.text_key`).

        Returns
        -------
        dict
            ``key -> (dim,) float32`` for every sound stored vector. Rows of the wrong length
            or with a bad checksum are deleted and reported.
        """

        def lookup(state: _State) -> dict[bytes, Matrix]:
            found: dict[bytes, Matrix] = {}
            damaged: list[bytes] = []
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = list(keys[start : start + _LOOKUP_BATCH])
                marks = ",".join("?" * len(batch))
                rows = state.conn.execute(
                    f"SELECT key, crc, vector FROM vectors WHERE model = ? AND key IN ({marks})",
                    [entry.ref, *batch],
                ).fetchall()
                for key, crc, blob in rows:
                    vector = self._decode(blob, entry.dim)
                    if vector is None or _checksum(blob) != crc:
                        damaged.append(key)
                    else:
                        found[bytes(key)] = vector
            if damaged:
                with self._transaction(state.conn):
                    state.conn.executemany(
                        "DELETE FROM vectors WHERE model = ? AND key = ?",
                        [(entry.ref, key) for key in damaged],
                    )
                self._record(
                    "rows",
                    f"{len(damaged)} stored vector(s) of {entry.model_id} failed their length "
                    "or checksum test and were deleted",
                )
            return found

        return self._guarded(lookup)

    def put_many(self, entry: ModelEntry, items: Iterable[tuple[bytes, Matrix]]) -> int:
        """Store vectors in one transaction (replacing any stored under the same keys).

        Parameters
        ----------
        entry : ModelEntry
            From :meth:`model`.
        items : iterable of (bytes, numpy.ndarray)
            ``(key, (dim,) vector)`` pairs.

        Returns
        -------
        int
            Number of vectors written.
        """
        rows: list[tuple[int, bytes, int, bytes]] = []
        for key, vector in items:
            array = np.ascontiguousarray(vector, dtype="<f4")
            if array.shape != (entry.dim,):
                raise ValueError(f"vector of shape {array.shape} for a {entry.dim}-dim model")
            blob = array.tobytes()
            rows.append((entry.ref, key, _checksum(blob), blob))

        def store(state: _State) -> int:
            with self._transaction(state.conn):
                state.conn.executemany(
                    "INSERT OR REPLACE INTO vectors (model, key, crc, vector) VALUES (?, ?, ?, ?)",
                    rows,
                )
            return len(rows)

        return self._guarded(store) if rows else 0

    # -- inspection and lifetime ----------------------------------------------------------------

    def count(self, model_id: str | None = None) -> int:
        """Number of stored vectors, of one model or of all.

        Parameters
        ----------
        model_id : str, optional
            ``name@version``; all models when omitted.

        Returns
        -------
        int
            Row count.
        """

        def count(state: _State) -> int:
            if model_id is None:
                row = state.conn.execute("SELECT count(*) FROM vectors").fetchone()
            else:
                row = state.conn.execute(
                    "SELECT count(*) FROM vectors JOIN models ON vectors.model = models.ref "
                    "WHERE models.model_id = ?",
                    (model_id,),
                ).fetchone()
            return int(row[0])

        return self._guarded(count)

    def models(self) -> dict[str, int]:
        """Registered model ids and their dimensions.

        Returns
        -------
        dict
            ``model_id -> dim``.
        """

        def listing(state: _State) -> dict[str, int]:
            rows = state.conn.execute("SELECT model_id, dim FROM models ORDER BY ref").fetchall()
            return {str(model_id): int(dim) for model_id, dim in rows}

        return self._guarded(listing)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete every model (and its vectors) whose id is not in ``keep``.

        Parameters
        ----------
        keep : iterable of str
            Model ids to keep.

        Returns
        -------
        int
            Number of vectors deleted.
        """
        kept = set(keep)

        def prune(state: _State) -> int:
            doomed = [m for m in self.models() if m not in kept]
            deleted = 0
            with self._transaction(state.conn):
                for model_id in doomed:
                    cursor = state.conn.execute(
                        "DELETE FROM vectors WHERE model = "
                        "(SELECT ref FROM models WHERE model_id = ?)",
                        (model_id,),
                    )
                    deleted += max(cursor.rowcount, 0)
                    state.conn.execute("DELETE FROM models WHERE model_id = ?", (model_id,))
                    state.models.pop(model_id, None)
            return deleted

        return self._guarded(prune)

    def close(self) -> None:
        """Close the connection (the object reopens it if used again)."""
        with self._lock:
            self._close_quietly()

    def __enter__(self) -> VectorCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "timeout": self.timeout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], timeout=state["timeout"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"VectorCache({str(self.path)!r})"


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (``fcntl.flock``; no-op where unavailable)."""
    try:
        import fcntl
    except ImportError:  # Windows: recovery is then not serialised across processes
        yield
        return
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
