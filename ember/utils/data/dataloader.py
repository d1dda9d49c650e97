"""DataLoader: iterate over a dataset in (shuffled, collated) batches, loaded in the main process or in
worker processes."""
import itertools
import math
import multiprocessing
import os
import queue
import time
import warnings

from ..._device import cuda
from ...random import rng
from . import _worker
from ._collate import default_collate, default_convert
from ._worker import get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


class _InfiniteConstantSampler(Sampler):
    """None forever: the index sampler of an IterableDataset, whose samples are not looked up by index."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Combines a dataset and a sampler into an iterable over batches of the dataset's samples.

    Arguments and defaults are PyTorch's. With num_workers=0 batches are loaded in the main process.
    With num_workers > 0 each iteration starts that many worker processes (multiprocessing_context, or
    the platform's default start method); the main process sends them the sampler's keys round-robin,
    prefetch_factor * num_workers batches ahead, and yields the batches in sampler order (or as they
    come with in_order=False): the same batches as num_workers=0. Batches cross back pickled (ember
    tensors as NumPy arrays). Worker i seeds ember's, NumPy's and `random`'s generators from a base
    seed drawn from `generator` (or ember's default generator) at each iteration, plus i, then calls
    worker_init_fn(i); get_worker_info() tells a worker who it is. An IterableDataset is iterated by
    every worker (each yields its whole copy unless it shares the work out with get_worker_info).
    persistent_workers=True keeps the workers from one iteration to the next; timeout > 0 bounds the
    wait for each batch. An exception in a worker is raised again in the main process with the
    worker's traceback; a worker that dies raises RuntimeError. With the spawn or forkserver start
    methods the dataset, collate_fn and worker_init_fn must be picklable (defined at module level).
    pin_memory is accepted, ember having no pinned memory.
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers "
                             "> 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._iterator = None
        self._initialized = True

    @property
    def multiprocessing_context(self):
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(f"multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={context}")
        self._multiprocessing_context = context

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What yields each step's key: the batch sampler when batching, else the sampler."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self):
        if not self._iterable:
            return len(self._index_sampler)
        length = self._IterableDataset_len_called = len(self.dataset)
        if self.batch_size is not None:
            length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
        return length


class _BaseIter:
    """One pass over a DataLoader: the keys from its index sampler, the length warning of iterable
    datasets; subclasses load the data (_next_data)."""

    def __init__(self, loader):
        if loader.pin_memory and not cuda.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", stacklevel=4)
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._keys = iter(self._index_sampler)
        self._base_seed = int(rng(loader.generator).integers(2 ** 63))
        self._len_called = loader._IterableDataset_len_called
        self._num_yielded = 0

    def _reset(self, loader):
        self._keys = iter(self._index_sampler)
        self._len_called = loader._IterableDataset_len_called
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if self._iterable and self._len_called is not None and self._num_yielded > self._len_called:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {self._len_called}(when "
                   f"accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data


class _SingleProcessIter(_BaseIter):
    """One pass over a DataLoader, loading in the main process."""

    def __init__(self, loader):
        if loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        super().__init__(loader)
        fetcher = _worker.StreamFetcher if self._iterable else _worker.MapFetcher
        self._fetcher = fetcher(self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self):
        return self._fetcher.fetch(next(self._keys))


def _warn_if_too_many_workers(num_workers):
    """PyTorch's warning when there are more workers than CPUs this process may run on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if cpus is not None and num_workers > cpus:
        warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. Our suggested max "
                      f"number of worker in current system is {cpus}, which is smaller than what this DataLoader "
                      f"is going to create. Please be aware that excessive worker creation might get DataLoader "
                      f"running slow or even freeze, lower the worker number to avoid potential slowness/freeze if "
                      f"necessary.")


class _MultiProcessIter(_BaseIter):
    """One pass (several, with persistent workers) over a DataLoader, loading in worker processes.

    Task n (the sampler's n-th key) goes to worker n % num_workers; at most prefetch_factor * num_workers
    tasks are out at once. Results come back on one queue in any order: those ahead of the next one
    to yield wait in _task_info, which maps each task not yet yielded to (worker,) or (worker, data).
    """

    def __init__(self, loader):
        super().__init__(loader)
        _warn_if_too_many_workers(self._num_workers)
        self._timeout = loader.timeout
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        context = loader.multiprocessing_context or multiprocessing
        self._data_queue = context.Queue()
        self._done_event = context.Event()
        self._index_queues, self._workers = [], []
        self._pid = os.getpid()
        self._shutdown = False
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()
            worker = context.Process(target=_worker.worker_loop, daemon=True, args=(
                self._iterable, self._dataset, index_queue, self._data_queue, self._done_event,
                self._auto_collation, self._collate_fn, self._drop_last, self._base_seed, loader.worker_init_fn,
                worker_id, self._num_workers))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._start_epoch(first=True)

    def _reset(self, loader):
        super()._reset(loader)
        self._start_epoch(first=False)

    def _start_epoch(self, first):
        self._send_idx = 0      # the next task to send
        self._rcvd_idx = 0      # the next task to yield
        self._task_info = {}
        self._outstanding = 0   # tasks sent whose result has not arrived
        self._active = [True] * self._num_workers     # False: stream exhausted (or worker gone)
        self._worker_tasks = [0] * self._num_workers   # tasks of each worker not yet yielded
        self._cycle = itertools.cycle(range(self._num_workers))
        if not first:
            # results left from an interrupted epoch arrive before the acknowledgements: drop them
            for index_queue in self._index_queues:
                index_queue.put(_worker.ResumeIteration())
            pending = self._num_workers
            while pending:
                idx, _ = self._get_data()
                pending -= isinstance(idx, _worker.ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        try:
            key = next(self._keys)
        except StopIteration:
            return
        capacity = self._prefetch_factor * self._num_workers // max(sum(self._active), 1)
        for _ in range(self._num_workers):
            worker_id = next(self._cycle)
            if self._active[worker_id] and (self._in_order or self._worker_tasks[worker_id] < capacity):
                break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, key))
        self._task_info[self._send_idx] = (worker_id,)
        self._worker_tasks[worker_id] += 1
        self._outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """The next (task index, data) from the workers; RuntimeError after timeout seconds (when set) or
        when a worker has died."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _worker.STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            try:
                return self._data_queue.get(timeout=max(wait, 0))
            except queue.Empty:
                dead = [w for worker_id, w in enumerate(self._workers) if self._active[worker_id] and
                        not w.is_alive()]
                if dead:
                    for w in dead:
                        self._active[self._workers.index(w)] = False
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader worker (pid(s) {', '.join(str(w.pid) for w in dead)}) exited "
                                       f"unexpectedly") from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds") from None

    def _next_data(self):
        while True:
            # skip the tasks that a worker whose stream has ended will not answer
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None:
                    if len(info) == 2 or self._active[info[0]]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            idx, data = self._get_data()
            self._outstanding -= 1
            if isinstance(data, _worker.StreamEnd):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            elif self._in_order:
                self._task_info[idx] += (data,)
                continue
            return self._process_data(data, self._task_info.pop(idx)[0])

    def _process_data(self, data, worker_id):
        self._worker_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown_workers(self):
        """Stop the workers (each finishes its current task), then end any that does not stop in time."""
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._done_event.set()
            for index_queue in self._index_queues:
                index_queue.put(None)
            for w in self._workers:
                w.join(timeout=1)
            for index_queue in self._index_queues:
                index_queue.close()
            self._data_queue.cancel_join_thread()
            self._data_queue.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join()

    def __del__(self):
        if getattr(self, "_pid", None) == os.getpid():    # not in a forked worker that inherited this object
            self._shutdown_workers()
