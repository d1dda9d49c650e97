"""checkpoint and checkpoint_sequential: keep a function's inputs instead of its intermediate results, and run the
function again during backward to get them (less memory, one more forward).

use_reentrant=True differentiates the recomputed function in a backward pass of its own, which fills the .grad of
the parameters it uses; as in PyTorch, autograd.grad() and backward(inputs=...) cannot go through it.
use_reentrant=False (recommended) records the function's graph as usual but stores none of the tensors it saves for
backward (saved_tensors_hooks): the first backward step that needs one runs the function again and takes them all.
"""
import contextlib
import functools
import itertools
import warnings

from .. import random as _random
from .._tensor import Tensor
from ..autograd import backward as _backward, grad_mode
from ..autograd.engine import running
from ..autograd.function import Function
from ..autograd.graph import saved_tensors_hooks

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError"]


class CheckpointError(RuntimeError):
    """The recomputation of a checkpointed function saved other tensors than its first run."""

_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting in PyTorch 2.9, "
    "calling checkpoint without use_reentrant will raise an exception. use_reentrant=False is recommended, but if "
    "you need to preserve the current default behavior, you can pass use_reentrant=True. Refer to docs for more "
    "details on the differences between the two variants.")


class CheckpointFunction(Function):
    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        ctx.run_function = run_function
        ctx.rng_state = _random.get_rng_state() if preserve_rng_state else None
        ctx.args = [None if isinstance(a, Tensor) else a for a in args]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        if running.targeted:
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an `inputs` "
                "parameter to .backward(). To resolve this error, you can either set use_reentrant=False, or call "
                ".backward() without passing the `inputs` argument.")
        args, saved = list(ctx.args), iter(ctx.saved_tensors)
        for i, a in enumerate(args):
            if a is None:
                t = next(saved)
                args[i] = t.detach().requires_grad_(t.requires_grad)
        state = _random.get_rng_state()
        if ctx.rng_state is not None:
            _random.set_rng_state(ctx.rng_state)
        try:
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*args)
        finally:
            _random.set_rng_state(state)
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        _backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(a.grad if isinstance(a, Tensor) else None for a in args)


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               early_stop=True, **kwargs):
    """function(*args, **kwargs), keeping only its inputs for backward, which runs it again (with the random
    state of the first run unless preserve_rng_state=False is passed)."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        if grad_mode.is_grad_enabled() and not any(isinstance(a, Tensor) and a.requires_grad for a in args):
            warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)
        return CheckpointFunction.apply(function, preserve, *args)
    if kwargs:
        function = functools.partial(function, **kwargs)
    return _checkpoint_without_reentrant(function, preserve, args, context_fn, determinism_check)


def _metadata(t):
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


def _checkpoint_without_reentrant(function, preserve, args, context_fn, determinism_check):
    """function(*args) recorded as usual, its saved tensors replaced by their numbers in saving order; unpacking
    any of them runs the function again (same random state, grad enabled) and keeps what it saves, in order."""
    count = itertools.count()
    metadata = []           # _metadata of each saved tensor, in saving order
    recomputed = []
    rng_state = _random.get_rng_state() if preserve else None
    forward_ctx, recompute_ctx = context_fn() if context_fn is not None else (contextlib.nullcontext(), contextlib.nullcontext())

    def pack(t):
        metadata.append(_metadata(t))
        return next(count)

    def recompute():
        state = _random.get_rng_state()
        if rng_state is not None:
            _random.set_rng_state(rng_state)
        try:
            with saved_tensors_hooks(lambda t: recomputed.append(t.detach()), lambda _: None), \
                    grad_mode.enable_grad(), recompute_ctx:
                function(*args)
        finally:
            _random.set_rng_state(state)
        if determinism_check != "none":
            got = [_metadata(t) for t in recomputed]
            if len(got) != len(metadata):
                raise CheckpointError(
                    "ember.utils.checkpoint: A different number of tensors was saved during the original forward and "
                    f"recomputation.\nNumber of tensors saved during forward: {len(metadata)}\nNumber of tensors "
                    f"saved during recomputation: {len(got)}.\nThe function must do the same work when it runs again "
                    "(or pass determinism_check='none').")
            differ = {i: (a, b) for i, (a, b) in enumerate(zip(metadata, got)) if a != b}
            if differ:
                raise CheckpointError(
                    "ember.utils.checkpoint: Recomputed values for the following tensors have different metadata "
                    "than during the forward pass.\n" + "\n".join(
                        f"tensor at position {i}:\nsaved metadata: {a}\nrecomputed metadata: {b}"
                        for i, (a, b) in differ.items()))

    def unpack(i):
        if not recomputed:
            recompute()
        return recomputed[i]

    with saved_tensors_hooks(pack, unpack), forward_ctx:
        return function(*args)





def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run the modules or functions one after the other, in `segments` parts: all but the last under checkpoint."""
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    functions = list(functions.children()) if hasattr(functions, "children") else list(functions)

    def run(start, end):
        def forward(x):
            for fn in functions[start:end + 1]:
                x = fn(x)
            return x
        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
