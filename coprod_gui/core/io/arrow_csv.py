"""pyarrow's CSV reader for the fast path of :mod:`.text`: every core, progress per block.

Why pieces: pyarrow's streaming reader parses one block after another on one core
(measured at 1,048,576 rows, 360 MB: 1.2 s with one core busy, the other idle), and its
table reader, which uses every core, costs half as much again in CPU (1.8 s) and says
nothing until it has finished. When no quote mark follows the first rows, every line end
is a row end, so the bytes are cut at line ends into one piece per core, each read by its
own streaming reader in its own thread (Arrow works without the GIL): the same CPU, half
the time on two idle cores, never more on a busy machine. The blocks are reported as they
arrive ("N rows so far") and Cancel is checked between them. With quote marks further down
a line end may lie inside an answer, so one streaming reader reads the whole file.

Arrow's own thread pool is not used: it takes its size from ``OMP_NUM_THREADS``, which
the program sets to 1 for the maths library
(:func:`coprod_gui.core.runtime.limit_blas_threads`).
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..progress import CancelFn, check_cancelled
from ..runtime import usable_cores

MAX_THREADS = 4
"""Readers at most (one per core up to this): beyond it memory bandwidth, not parsing,
is the limit."""

MIN_PIECE = 1 << 23
"""No piece is shorter than this (8 MB): a small file is read by one reader."""

BLOCK = 1 << 21
"""Arrow's block, the unit one reader parses at a time (measured: 1-2 MB blocks cost
about 10 % less CPU than 4 MB, smaller ones more to join up again)."""

POLL = 0.1
"""Seconds between Cancel checks while the readers work."""


def threads() -> int:
    """How many readers a big file gets: one per core, at most ``MAX_THREADS``."""
    return min(usable_cores(), MAX_THREADS)


def cut_points(buf: bytes, start: int, first: int, size: int) -> list[int]:
    """Offsets in ``buf`` of line starts (after a ``\\n``), the first at or after
    ``first``, about ``size`` bytes apart, with ``start`` first and ``len(buf)`` last."""
    n = len(buf)
    points = [start]
    at = max(first, start + size)
    while at < n:
        nl = buf.find(b"\n", at)
        if nl < 0 or nl + 1 >= n:
            break
        points.append(nl + 1)
        at = nl + 1 + size
    points.append(n)
    return points


def parse(
    buf: bytes,
    start: int,
    header_row: int,
    width: int,
    delimiter: str,
    cut_from: int | None,
    report: Callable[[int], None],
    is_cancelled: CancelFn,
) -> tuple[list[list[Any]], int] | None:
    """Every column of ``buf[start:]`` as a list of dictionary-encoded Arrow chunks, and the
    number of empty lines skipped; ``None`` when a row is not as wide as the header or
    Arrow cannot parse the file (the careful reader takes over).

    ``cut_from``: an offset (from ``start``) after which ``buf`` holds no quote mark
    (``None``: it may; read it in one stream). ``report(rows)`` is called as rows arrive
    (header row included). The bytes are valid UTF-8 already (checked or re-encoded by the caller),
    so Arrow does not check them again.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    irregular: list[int] = []
    empty = [0]

    def on_invalid(row: Any) -> str:
        if not (row.text or "").strip():
            empty[0] += 1
        else:
            irregular.append(row.number)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    # the pieces after the first hold no quote mark, so quoting can be off there
    unquoted = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char=False,
        newlines_in_values=False,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=False,
    )

    def reader(view: Any, skip: int, quoted: bool) -> Any:
        return pacsv.open_csv(
            pa.BufferReader(pa.py_buffer(view)),
            read_options=pacsv.ReadOptions(
                skip_rows=skip, column_names=names, use_threads=False, block_size=BLOCK
            ),
            parse_options=parse_options if quoted else unquoted,
            convert_options=convert_options,
        )

    view = memoryview(buf)
    n_threads = threads()
    size = (len(buf) - start) // n_threads + 1
    if cut_from is None or n_threads == 1 or size < MIN_PIECE:
        points = [start, len(buf)]
    else:
        points = cut_points(buf, start, start + cut_from, size)
    pieces: list[list[Any]] = [[] for _ in points[1:]]
    try:
        if len(pieces) == 1:
            done = 0
            for batch in reader(view[start:], header_row, True):
                check_cancelled(is_cancelled)
                pieces[0].append(batch)
                done += batch.num_rows
                report(done)
        else:
            _in_threads(view, points, pieces, header_row, reader, report, is_cancelled)
    except pa.ArrowInvalid:
        return None
    if irregular:
        return None
    batches = [b for piece in pieces for b in piece]
    del pieces
    chunks = [[b.column(i) for b in batches] for i in range(width)]
    return chunks, empty[0]


def _in_threads(
    view: memoryview,
    points: list[int],
    pieces: list[list[Any]],
    header_row: int,
    reader: Callable[[Any, int, bool], Any],
    report: Callable[[int], None],
    is_cancelled: CancelFn,
) -> None:
    """Read ``view[points[k]:points[k+1]]`` into ``pieces[k]``, one thread per piece;
    batches are reported here, in the calling thread, as they arrive. The first piece
    holds the header (and any quote marks); the others hold no quote mark at all."""
    arrived: queue.Queue[tuple[int, Any]] = queue.Queue()
    stop = threading.Event()

    def work(k: int, a: int, b: int) -> None:
        try:
            for batch in reader(view[a:b], header_row if k == 0 else 0, k == 0):
                if stop.is_set():
                    return
                arrived.put((k, batch))
        except BaseException as exc:  # reported in the calling thread
            arrived.put((k, exc))
        finally:
            arrived.put((k, None))

    workers = [
        threading.Thread(target=work, args=(k, a, b), name=f"csv-reader-{k}", daemon=True)
        for k, (a, b) in enumerate(itertools.pairwise(points))
    ]
    for w in workers:
        w.start()
    running, done = len(workers), 0
    try:
        while running:
            try:
                k, item = arrived.get(timeout=POLL)
            except queue.Empty:
                check_cancelled(is_cancelled)
                continue
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                pieces[k].append(item)
                done += item.num_rows
                report(done)
                check_cancelled(is_cancelled)
    finally:
        stop.set()
        for w in workers:
            w.join()


DISTINCT_FROM = 10_000
"""Columns whose blocks hold more distinct values than this together are first checked
for having no value twice (see :func:`one_dictionary`)."""

SMALL_TO = 256
"""Blocks with fewer distinct values than this on average are mapped through small
tables; more (weights, free text): Arrow's ``unify_dictionaries``."""


@dataclass
class Column:
    """One column of the blocks, joined into one dictionary (see :func:`column`): its
    distinct values in order of first appearance, the cells of each (the first row, the
    header, included), the code of the first row; the cells' codes on request, written
    into a buffer the caller may reuse for the next column."""

    values: Any
    counts: np.ndarray
    first: int
    chunks: list[Any] = field(repr=False)
    dicts: list[Any] = field(repr=False)
    lut: np.ndarray | None = field(default=None, repr=False)
    unified: np.ndarray | None = field(default=None, repr=False)

    def codes(self, out: np.ndarray | None = None) -> np.ndarray:
        """The cells' codes (``out``: a buffer at least as long as the column)."""
        if self.unified is not None:
            return self.unified
        n = sum(len(c) for c in self.chunks)
        codes = np.empty(n, dtype=np.int32) if out is None else out[:n]
        at = offset = 0
        for c, d in zip(self.chunks, self.dicts, strict=True):
            idx = c.indices.to_numpy(zero_copy_only=False)
            part = codes[at : at + len(idx)]
            if self.lut is None:
                np.add(idx, offset, out=part)
            else:  # ("clip": the codes are in range; it spares numpy a buffered copy)
                np.take(self.lut[offset : offset + len(d)], idx, out=part, mode="clip")
            at += len(idx)
            offset += len(d)
        return codes


def column(chunks: list[Any]) -> Column:
    """A column's dictionary-encoded chunks joined into one dictionary: the values and
    codes ``unify_dictionaries`` gives (in order of first appearance), counted.

    Why not ``unify_dictionaries`` itself: for a million IDs it hashes every one again,
    into memory new to the process (0.16-0.6 s measured), and for every answer column it
    writes the codes and then copies them again. When the blocks' dictionaries together
    hold no value twice (IDs in order) the dictionary is those laid one after another;
    with few answers per block each block's codes go through a small table; the cells of
    each value are counted block by block, so no pass over the column is needed for it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = [c for c in chunks if len(c)]
    if not chunks:
        return Column(pa.array([], pa.string()), np.zeros(0, dtype=np.intp), -1, [], [])
    dicts = [c.dictionary for c in chunks]
    first = int(chunks[0].indices[0].as_py())
    total = sum(len(d) for d in dicts)
    if total >= DISTINCT_FROM:
        everything = pa.concat_arrays(dicts)
        if _all_distinct(everything):  # IDs in order: each block's codes shifted along
            counts = np.concatenate([_count(c, len(d)) for c, d in zip(chunks, dicts, strict=True)])
            return Column(everything, counts, first, chunks, dicts)
    if total >= SMALL_TO * len(dicts):  # many distinct values per block (weights, text)
        col = pa.chunked_array(chunks, chunks[0].type).unify_dictionaries()
        codes = pa.concat_arrays([c.indices for c in col.chunks]).to_numpy(zero_copy_only=False)
        values = col.chunk(0).dictionary
        counts = np.bincount(codes, minlength=len(values))
        return Column(values, counts, int(codes[0]), [], [], unified=codes)
    # Few distinct answers per block: dictionary_encode of the blocks' dictionaries keeps
    # the order in which their values first appear, as unify_dictionaries does.
    encoded = pc.dictionary_encode(pa.concat_arrays(dicts))
    lut = encoded.indices.to_numpy(zero_copy_only=False)
    counts = np.zeros(len(encoded.dictionary), dtype=np.intp)
    offset = 0
    for c, d in zip(chunks, dicts, strict=True):
        counts[lut[offset : offset + len(d)]] += _count(c, len(d))  # distinct within a block
        offset += len(d)
    return Column(encoded.dictionary, counts, int(lut[first]), chunks, dicts, lut=lut)


def _count(chunk: Any, n: int) -> np.ndarray:
    return np.bincount(chunk.indices.to_numpy(zero_copy_only=False), minlength=n)


def one_dictionary(chunks: list[Any]) -> tuple[np.ndarray, Any]:
    """:func:`column`'s codes and values (what ``unify_dictionaries`` gives)."""
    col = column(chunks)
    return col.codes(), col.values


def _all_distinct(values: Any) -> bool:
    """No value twice, told without a hash: the values after the first (the header) only
    ever increase, as IDs in order do, and the first is not among them."""
    import pyarrow.compute as pc

    rest = values.slice(1)
    if len(rest) > 1 and not pc.all(pc.less(rest.slice(0, len(rest) - 1), rest.slice(1))).as_py():
        return False
    return not pc.any(pc.equal(rest, values[0])).as_py()
