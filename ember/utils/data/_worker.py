"""What runs inside DataLoader worker processes: the fetchers that turn an index (or a batch of indices)
into collated data, the worker loop, get_worker_info and WorkerInfo."""
import dataclasses
import os
import queue
import random
import sys
import traceback

import numpy as np

from ... import random as _random
from ..._switches import blas_threads
from ._collate import default_collate
from .dataset import TensorDataset

__all__ = ["WorkerInfo", "get_worker_info"]

STATUS_CHECK_INTERVAL = 0.1    # seconds between checks of the other side's liveness while waiting on a queue


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """Information about the current DataLoader worker process: its id (0 to num_workers - 1), the
    number of workers, the seed it was given and its own copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


_worker_info = None


def get_worker_info():
    """The WorkerInfo of the current DataLoader worker process; None in the main process.

    An IterableDataset's __iter__ uses it to yield a different share of the data in each worker
    (its id among num_workers), as a DataLoader with workers iterates one copy of the dataset per worker.
    """
    return _worker_info


class MapFetcher:
    """Loads the samples of a map-style dataset at one key (an index, or a batch of indices to collate)."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn
        self.tensor_rows = (collate_fn is default_collate and type(dataset) is TensorDataset
                            and not any(t.requires_grad for t in dataset.tensors))

    def fetch(self, key):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[key])
        if self.tensor_rows:
            # default_collate of rows t[i] stacks them into t[key]: index once instead of row by row
            key = list(key)
            return [t[key] for t in self.dataset.tensors]
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(key) if getitems else [self.dataset[i] for i in key]
        return self.collate_fn(samples)


class StreamFetcher:
    """Loads the next samples of an IterableDataset: one, or as many as the key has entries (a batch);
    StopIteration once the stream has nothing (or, with drop_last, not a full batch) left."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.auto_collation, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last
        self.samples = iter(dataset)
        self.ended = False

    def fetch(self, key):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.samples))
        samples = []
        for _ in key:
            try:
                samples.append(next(self.samples))
            except StopIteration:
                self.ended = True
                break
        if not samples or (self.drop_last and len(samples) < len(key)):
            raise StopIteration
        return self.collate_fn(samples)


class KeyErrorMessage(str):
    """A message that KeyError shows as it is (KeyError shows the repr of its argument)."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its traceback as text."""

    def __init__(self, where):
        exc_type, exc, tb = sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = where

    def reraise(self):
        """Raise the exception again (same type where it can be built from a message, RuntimeError
        otherwise), its message giving the worker and the original traceback."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:    # noqa: BLE001 - an exception type that cannot be built from one message
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            del exception    # no cycle through this frame: the loader iterator goes once the error is dropped


class StreamEnd:
    """Sent by a worker whose IterableDataset copy is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Sent to a persistent worker at the start of each further epoch: it restarts its fetcher and sends
    this back, after the results of any tasks it had left from the previous epoch."""


def worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn, drop_last,
                base_seed, init_fn, worker_id, num_workers):
    """The body of worker process worker_id: seed the random generators, call init_fn, then answer each
    (task index, key) from index_queue with (task index, data or ExceptionWrapper) on data_queue, until
    None arrives, done_event is set or the main process is gone."""
    global _worker_info
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([base_seed, worker_id]).generate_state(4))
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    blas_threads(1)     # one BLAS thread per worker, as PyTorch's: num_workers processes would oversubscribe the cores
    fetcher_class = StreamFetcher if iterable else MapFetcher
    where = f"in DataLoader worker process {worker_id}"
    init_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = fetcher_class(dataset, auto_collation, collate_fn, drop_last)
    except Exception:    # noqa: BLE001 - reported with every task, raised in the main process
        init_error = ExceptionWrapper(where)
    parent = os.getppid()
    stream_ended = False
    while True:
        try:
            task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
        except queue.Empty:
            if done_event.is_set() or os.getppid() != parent:
                break
            continue
        if task is None:
            break
        if isinstance(task, ResumeIteration):
            data_queue.put((task, None))
            stream_ended = False
            if init_error is None:
                fetcher = fetcher_class(dataset, auto_collation, collate_fn, drop_last)
            continue
        if done_event.is_set() or stream_ended:
            continue
        idx, key = task
        if init_error is not None:
            data = init_error
        else:
            try:
                data = fetcher.fetch(key)
            except Exception as exc:    # noqa: BLE001 - raised again in the main process
                if iterable and isinstance(exc, StopIteration):
                    data = StreamEnd(worker_id)
                    stream_ended = True
                else:
                    data = ExceptionWrapper(where)
        data_queue.put((idx, data))
        del data, key, task    # drop references before blocking on the next task
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
