"""class Tensor: a backend array plus the autograd fields; operators are attached by ember.ops."""
import mmap
import numbers
import operator
import warnings

import numpy as np

from . import _dtype, _device
from ._dtype import from_numpy_dtype

__all__ = ["Tensor", "is_tensor", "numel", "is_nonzero", "is_same_size", "is_signed", "is_inference", "get_device"]

_new = object.__new__

TENSOR_TYPES = set()     # Tensor and its subclasses: `type(x) in TENSOR_TYPES` is the hot paths' fast isinstance


class Tensor:
    """A multi-dimensional array that can record the operations applied to it for autograd.

    Tensor(3, 4) or Tensor([[1, 2]]) build float tensors in the legacy style; prefer ember.tensor,
    ember.zeros and friends.
    """
    __module__ = "ember"        # shown as ember.Tensor, where PyTorch shows torch.Tensor
    __slots__ = ("_data", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_vc", "_extra",
                 "__weakref__")
    __array_ufunc__ = None      # make `ndarray * tensor` call Tensor.__rmul__, never NumPy's loop
    __array_priority__ = 1000

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        TENSOR_TYPES.add(cls)

    def __init__(self, *args, dtype=None, device=None, requires_grad=False):
        from ._creation import legacy_tensor_data
        _init(self, legacy_tensor_data(args, dtype, device), requires_grad)

    # ---- storage and metadata ---------------------------------------------------------------
    @property
    def data(self):
        """The same storage as an untracked tensor: changes made through it bypass autograd."""
        return _wrap(self._data)

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"Tensor.data must be set to a Tensor, got {type(other).__name__}")
        self._data = other._data

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape as an ember.Size, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self):
        return from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return _device.device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    # devices, layouts and representations ember does not have
    is_meta = is_mkldnn = is_mps = is_xla = is_xpu = is_ipu = is_maia = is_mtia = is_vulkan = False
    is_nested = is_quantized = is_sparse = is_sparse_csr = False

    def get_device(self):
        """The index of the cuda device holding the tensor; -1 on the cpu."""
        d = self.device
        return -1 if d.type == "cpu" else d.index or 0

    def is_signed(self):
        """True for signed dtypes: every dtype but bool and uint8."""
        return self.dtype.is_signed

    def is_inference(self):
        """False: ember has no inference tensors (inference_mode records nothing, as no_grad)."""
        return False

    def is_nonzero(self):
        """The truth of a one-element tensor (errors for any other number of elements)."""
        return self.__bool__()

    def is_same_size(self, other):
        """True if other has this tensor's shape."""
        if not isinstance(other, Tensor):
            raise TypeError(f"is_same_size(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}")
        return self._data.shape == other._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        """The number of dimensions."""
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def stride(self, dim=None):
        """Strides in elements, as PyTorch counts them."""
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self):
        return self._data.__array_interface__["data"][0] if isinstance(self._data, np.ndarray) \
            else self._data.data.ptr

    const_data_ptr = data_ptr

    def storage_offset(self):
        """The offset of the first element in the underlying storage, in elements."""
        a = self._data
        start = _root(a).__array_interface__["data"][0] if isinstance(a, np.ndarray) else a.data.mem.ptr
        return (self.data_ptr() - start) // a.itemsize

    def dim_order(self, *, ambiguity_check=False):
        """The dimensions from outermost to innermost in memory (ambiguity_check=True raises if that order is not
        unique)."""
        if not isinstance(ambiguity_check, bool):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        sizes, strides = self._data.shape, self.stride()
        if ambiguity_check and (1 in sizes or any(a == b for a, b in zip(strides, strides[1:]))):
            raise RuntimeError("The tensor does not have unique dim order, or cannot map to exact one of the given "
                               "memory formats.")
        if self._data.ndim < 2 or self.is_contiguous():
            return tuple(range(self._data.ndim))
        return _dim_order(sizes, strides, ambiguity_check)

    def is_pinned(self, device=None):
        """Whether the tensor lives in page-locked host memory (CuPy's, from pin_memory())."""
        cp = _device._cupy
        return cp is not None and isinstance(self._data, np.ndarray) and \
            isinstance(_root(self._data).base, cp.cuda.PinnedMemoryPointer)

    def pin_memory(self, device=None):
        """A copy of the tensor in page-locked host memory, for fast copies to the GPU (needs CUDA, as in PyTorch)."""
        if not _device.cuda.is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        if not self.is_cpu:
            from ._creation import legacy_type_name
            raise RuntimeError(f"cannot pin '{legacy_type_name(self)}' only dense CPU tensors can be pinned")
        if self.is_pinned():
            return self
        import cupyx
        pinned = cupyx.empty_pinned(self._data.shape, self._data.dtype)
        pinned[...] = self._data
        return _wrap(pinned)

    def is_shared(self):
        """Whether the storage is in shared memory: a cpu tensor after share_memory_(), or any cuda tensor."""
        if not isinstance(self._data, np.ndarray):
            return True
        return isinstance(getattr(_root(self._data).base, "obj", None), mmap.mmap)

    def share_memory_(self):
        """Move the storage to shared memory, which processes forked afterwards write to as well; returns self."""
        if not self.is_shared():
            shared = np.frombuffer(mmap.mmap(-1, max(self._data.nbytes, 1)), self._data.dtype, self._data.size)
            shared = shared.reshape(self._data.shape)
            shared[...] = self._data
            self._data = shared
        return self

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    # ---- autograd fields ----------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        """Set whether autograd records operations on this leaf tensor; returns self."""
        requires_grad = bool(requires_grad)
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                               "use a computed variable in a subgraph that doesn't require differentiation "
                               "use var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError(f"Only Tensors of floating point and complex dtype can require gradients "
                               f"(this one is {self.dtype}); convert it first, e.g. x.float()")
        if requires_grad and self._data.dtype.kind == "c":
            from .autograd.complex import seen
            seen[0] = True
        self._requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        """True for tensors made by the user (or not requiring grad): their .grad is filled."""
        return self.grad_fn is None

    @property
    def grad(self):
        if self.grad_fn is not None and not self.retains_grad and self._grad is None:
            import warnings
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                          "Its .grad attribute won't be populated during autograd.backward(). If you "
                          "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                          ".retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: got "
                                   f"{list(value._data.shape)}, expected {list(self._data.shape)}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: got {value.dtype}, "
                                   f"expected {self.dtype}")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _version(self):
        """How many times this tensor's storage was modified in place (shared with its views)."""
        return self._vc[0]

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self._extra is not None and self._extra.get("retains_grad", False)

    def retain_grad(self):
        """Fill .grad of this non-leaf tensor during backward, as for leaves."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self.retains_grad:
            return
        from .autograd.node import retain_grad
        retain_grad(self)

    def register_hook(self, hook):
        """Call hook(grad) when the gradient of this tensor is computed; a non-None return replaces
        the gradient. Returns a handle whose remove() unregisters it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .autograd.node import register_tensor_hook
        return register_tensor_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call hook(self) after a backward pass accumulated this leaf's gradient into .grad. Returns a handle
        whose remove() unregisters it."""
        from .autograd.node import register_post_accumulate_grad_hook
        return register_post_accumulate_grad_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. graph leaves and accumulate it into their .grad."""
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A tensor sharing this one's storage (and version counter), cut from the graph."""
        t = _wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        """Cut this tensor from the graph in place, making it a leaf."""
        self.grad_fn, self._requires_grad, self._output_nr = None, False, 0
        return self

    # ---- conversion ---------------------------------------------------------------------------
    def numpy(self, *, force=False):
        """The data as a numpy array sharing memory (cpu tensors that do not require grad)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        if not isinstance(self._data, np.ndarray):
            if not force:
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. "
                                f"Use Tensor.cpu() to copy the tensor to host memory first.")
            return self._data.get()
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        if copy is False and dtype is not None and np.dtype(dtype) != a.dtype:
            raise ValueError(f"Unable to avoid copy while converting a {self.dtype} tensor to numpy dtype "
                             f"{np.dtype(dtype)}; pass copy=None to allow the copy.")
        if copy:
            return np.array(a, dtype=dtype, copy=True)
        return a if dtype is None else a.astype(dtype, copy=False)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule sharing this tensor's memory, from the backend array's own exporter."""
        if self._requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        kwargs = {name: value for name, value in (("stream", stream), ("max_version", max_version),
                                                  ("dl_device", dl_device), ("copy", copy)) if value is not None}
        try:
            return self._data.__dlpack__(**kwargs)
        except BufferError as e:
            if type(self._data) is not np.ndarray or self._data.flags.writeable:
                raise
            raise BufferError("Can't export a read-only tensor (such as an expand() view) as a DLPack capsule "
                              "older than version 1.0, which cannot mark memory read-only; export "
                              "tensor.clone() instead.") from e

    def __dlpack_device__(self):
        """(DLPack device type, device index): (1, 0) for cpu, (2, index) for cuda."""
        return self._data.__dlpack_device__()

    def _repr_html_(self):
        from ._tensor_str import tensor_html
        return tensor_html(self)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists of numbers."""
        return self._data.tolist() if isinstance(self._data, np.ndarray) else self._data.get().tolist()

    def __float__(self):
        return float(real_value(self.item(), "double"))

    def __int__(self):
        return int(real_value(self.item(), "int64_t"))

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with "
                               f"{'no values' if self._data.size == 0 else 'more than one value'} is ambiguous")
        return bool(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    __hash__ = object.__hash__

    def __repr__(self):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:        # as PyTorch: f"{loss}" and f"{loss:.3f}" format the number
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self.detach().cpu().numpy().copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment. Use .detach().clone() first.")
        t = _wrap(self._data.copy(), self._requires_grad)
        if self._grad is not None:
            t._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = t
        return t

    # ---- dtype and device conversion ----------------------------------------------------------
    def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
        """Cast and/or move: to(dtype), to(device), to(device, dtype), to(other_tensor)."""
        dtype, device = _parse_to(args, dtype, device)
        out = self
        if device is not None and device != self.device:
            from .ops.pointwise import to_device
            out = to_device(out, device)
        if dtype is not None and dtype.np != out._data.dtype:
            from .ops.pointwise import cast
            with warnings.catch_warnings():
                if discards_imag(out._data.dtype, dtype.np):    # PyTorch's warning replaces NumPy's
                    warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                out = cast(out, dtype)
        if copy and out is self:
            out = self.clone()
        return out

    def type(self, dtype=None, non_blocking=False):
        """With no argument, the legacy type name ('ember.FloatTensor'); otherwise a cast."""
        if dtype is None:
            from ._creation import legacy_type_name
            return legacy_type_name(self)
        if isinstance(dtype, str) and dtype.endswith("Tensor"):
            from ._creation import legacy_dtype_of_name
            dtype = legacy_dtype_of_name(dtype)
        dtype = getattr(dtype, "dtype", dtype)  # a legacy class such as ember.DoubleTensor
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def cfloat(self):
        return self.to(_dtype.complex64)

    def cdouble(self):
        return self.to(_dtype.complex128)

    def cpu(self):
        return self.to(device="cpu")

    def cuda(self, device=None):
        return self.to(device=_device.device("cuda", device if isinstance(device, int) else None)
                       if not isinstance(device, (str, _device.device)) else device)

    def new(self, *args, device=None):
        """Legacy constructor: x.new(*sizes) gives an uninitialized tensor, x.new(data) a copy of data, in x's dtype
        and on x's device (or device); x.new(tensor) aliases a tensor of x's dtype and device."""
        if len(args) == 1 and isinstance(args[0], Tensor):
            other = args[0]
            if other.dtype is not self.dtype or other.device != self.device:
                raise TypeError(f"expected {_tensor_options(self)} (got {_tensor_options(other)})")
            return other.detach()
        from ._creation import legacy_tensor_data
        return _wrap(legacy_tensor_data(args, self.dtype, device if device is not None else self.device))

    @property
    def volatile(self):
        """Removed in PyTorch 0.4: always False (use no_grad())."""
        import warnings
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value):
        import warnings
        warnings.warn("volatile was removed and now has no effect. Use `with ember.no_grad():` instead.",
                      UserWarning, stacklevel=2)

    def apply_(self, callable):
        """Replace each element x by callable(x), in place (cpu tensors only; slow, for tests and debugging)."""
        return _map_elements(self, "apply_", callable)

    def map_(self, tensor, callable):
        """Replace each element x by callable(x, y), y the element of tensor (broadcast to self), in place."""
        return _map_elements(self, "map_", callable, (("other", tensor),))

    def map2_(self, x, y, callable):
        """Replace each element a by callable(a, b, c), b and c the elements of x and y, in place."""
        return _map_elements(self, "map2_", callable, (("x", x), ("y", y)))

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                      requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self.new_zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros
        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device,
                     requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones
        return ones(*size, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad)


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ember.Size([2, 3]); slices, sums and repeats of it are
    Sizes too."""
    __module__ = "ember"

    def __repr__(self):
        return f"ember.Size({list(self)})"

    def __getitem__(self, index):
        got = tuple.__getitem__(self, index)
        return Size(got) if isinstance(index, slice) else got

    def __add__(self, other):
        return Size(tuple.__add__(self, other)) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other):
        return Size(tuple.__add__(other, self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


TENSOR_TYPES.add(Tensor)


def _parse_to(args, dtype=None, device=None):
    """The (dtype, device) that to(*args, dtype=, device=) asks for; None where unchanged."""
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, _dtype.dtype) or (isinstance(a, type) and a in (float, int, bool, complex)):
            dtype = a
        elif a is not None:
            device = a
    return (None if dtype is None else _dtype.to_dtype(dtype),
            None if device is None else _device.as_device(device))


def _rebuild(array, requires_grad):
    return _wrap(array, requires_grad)


def _wrap(data, requires_grad=False, grad_fn=None, output_nr=0):
    """Wrap a backend array in a Tensor without validation: the internal hot path."""
    t = _new(Tensor)
    t._data = data
    t._requires_grad = requires_grad
    t.grad_fn = grad_fn
    t._output_nr = output_nr
    t._grad = None
    t._vc = [0]
    t._extra = None
    return t


def _init(t, data, requires_grad):
    t._data, t.grad_fn, t._output_nr, t._grad, t._vc, t._extra = data, None, 0, None, [0], None
    t._requires_grad = False
    if requires_grad:
        t.requires_grad_(True)


def discards_imag(src, dst):
    """Whether casting numpy dtype src to dst drops imaginary parts (complex to a real non-bool dtype); PyTorch warns
    once when it does, and so does this."""
    if src.kind != "c" or dst.kind in "cb":
        return False
    from ._switches import warn_once
    warn_once("Casting complex values to real discards the imaginary part")
    return True


def real_value(v, cpp_type):
    """v, or the real part of a complex v, which must have no imaginary part (as PyTorch's checked conversion)."""
    if isinstance(v, complex):
        if v.imag:
            raise RuntimeError(f"value cannot be converted to type {cpp_type} without overflow")
        return v.real
    return v


def _wrap_dim(dim, ndim):
    """A dimension index in [0, ndim), from a possibly negative one; 0-d tensors accept 0 and -1."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _root(a):
    """The numpy array owning a's memory (the last array in its chain of bases)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def _dim_order(sizes, strides, ambiguity_check):
    """PyTorch's stable order of dimensions by decreasing stride (size-1 and stride-0 dimensions stay put)."""
    def should_swap(a, b):
        sa, sb = strides[a], strides[b]
        if sa == 0 or sb == 0:
            return 0
        if sa == sb:
            return 0 if sizes[a] <= sizes[b] else 1
        return -1 if sb > sa else 1

    perm = list(reversed(range(len(sizes))))
    for i in range(1, len(perm)):
        j = i
        for k in reversed(range(i)):
            order = should_swap(perm[k], perm[j])
            if order > 0:
                perm[k], perm[j] = perm[j], perm[k]
                j = k
            elif order < 0:
                break
    if ambiguity_check and any(should_swap(a, b) != -1 for a, b in zip(perm, perm[1:])):
        raise RuntimeError("The tensor does not have unique dim order.")
    return tuple(reversed(perm))


_CPP_TYPE_NAMES = dict(bool="bool", uint8="unsigned char", int8="signed char", int16="short int", int32="int",
                       int64="long int", float16="c10::Half", float32="float", float64="double")


def _tensor_options(t):
    """A tensor's options as PyTorch prints them in the legacy constructors' errors."""
    d = t.device
    shown = "cpu" if d.type == "cpu" else f"cuda:{d.index or 0}"
    return (f"TensorOptions(dtype={_CPP_TYPE_NAMES[t.dtype.name]}, device={shown}, "
            f"layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))")


def _to_element(value, kind):
    """callable's result as a Python number for an array of dtype kind 'b', 'f' or an integer kind."""
    if kind == "b":
        return bool(value)
    if kind == "f":
        if not isinstance(value, numbers.Real):
            raise TypeError(f"must be real number, not {type(value).__name__}")
        return float(value)
    return int(value) if isinstance(value, float) else operator.index(value)


def _map_elements(self, name, callable, others=()):
    """self[i] = callable(self[i], *(other[i] for other in others)) for every element, in place."""
    for arg, other in others:
        if not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {others.index((arg, other)) + 1}) must be Tensor, "
                            f"not {type(other).__name__}")
    if self._requires_grad or any(other._requires_grad for _, other in others):
        raise RuntimeError(f"Can't call {name}() on Variable that requires grad. Use var.detach().{name}() instead.")
    from ._creation import legacy_type_name
    for arg, other in others:
        if other.dtype is not self.dtype or other.device != self.device:
            quoted = f"'{arg}'" if name == "map_" else f"argument '{arg}'"
            raise TypeError(f"{name}: expected {legacy_type_name(self)} for {quoted} (got {legacy_type_name(other)})")
    if not isinstance(self._data, np.ndarray):
        raise TypeError(f"{name} is only implemented on CPU tensors")
    columns = [self._data.ravel().tolist()] + [other.expand(self.shape)._data.ravel().tolist() for _, other in others]
    kind = self._data.dtype.kind
    values = [_to_element(callable(*elements), kind) for elements in zip(*columns)]
    from .ops.inplace import write_into
    write_into(self, np.array(values, dtype=self._data.dtype).reshape(self._data.shape))
    return self


def is_tensor(obj):
    """True if obj is an ember Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of input."""
    if not isinstance(input, Tensor):
        raise TypeError(f"numel(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input._data.size


def _check_tensor(fn, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


def is_nonzero(input):
    """The truth of a one-element tensor (errors for any other number of elements)."""
    return _check_tensor("is_nonzero", input).is_nonzero()


def is_same_size(input, other):
    """True if input and other have the same shape."""
    _check_tensor("is_same_size", input)
    if not isinstance(other, Tensor):
        raise TypeError(f"is_same_size(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return input.is_same_size(other)


def is_signed(input):
    """True if input's dtype is signed."""
    return _check_tensor("is_signed", input).is_signed()


def is_inference(input):
    """False: ember has no inference tensors."""
    return _check_tensor("is_inference", input).is_inference()


def get_device(input):
    """The index of the cuda device holding input; -1 on the cpu."""
    return _check_tensor("get_device", input).get_device()
