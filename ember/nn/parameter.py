"""Parameter: a Tensor that a Module registers as a learnable weight when assigned as its attribute."""
from .._tensor import Tensor, _wrap, _init

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default and is registered by the Module it is assigned to.

    Parameter(t) shares t's memory (and version counter), as PyTorch's does.
    """
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, got {type(data).__name__}")
        p = Tensor.__new__(cls)
        _init(p, data._data, requires_grad)
        p._vc = data._vc
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        p = Parameter(_wrap(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            p._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach().cpu().numpy().copy(), self._requires_grad))


class _BufferMeta(type):
    """isinstance(t, Buffer) holds for the tensors Buffer() made: plain Tensors, as PyTorch's."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._extra is not None and "buffer" in obj._extra


class Buffer(metaclass=_BufferMeta):
    """A tensor that a Module registers as a buffer when it is assigned as an attribute (persistent: saved in the
    state_dict): Buffer(t) is t detached, with t's requires_grad."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from .._creation import empty
            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t._extra = dict(t._extra or {}, buffer=bool(persistent))
        return t


def _rebuild_parameter(array, requires_grad):
    return Parameter(_wrap(array), requires_grad)


class UninitializedTensorMixin:
    """What uninitialised parameters and buffers share: no shape until materialize() gives them one."""
    __slots__ = ()

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor storage of shape (uninitialised values) and turn it into cls_to_become."""
        from .._creation import empty
        self.data = empty(shape, device=self.device if device is None else device,
                          dtype=self.dtype if dtype is None else dtype)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def _converted(self, method, *args, **kwargs):
        """Dtype and device changes keep the tensor uninitialised (Module.to() and friends rely on it)."""
        out = getattr(Tensor, method)(self, *args, **kwargs)
        return out if out is self else type(self)(self._requires_grad, out.device, out.dtype)

    def to(self, *args, **kwargs):
        return self._converted("to", *args, **kwargs)

    def float(self):
        return self._converted("float")

    def double(self):
        return self._converted("double")

    def half(self):
        return self._converted("half")

    def cpu(self):
        return self._converted("cpu")

    def cuda(self, device=None):
        return self._converted("cuda", device)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self._requires_grad, self.device, self.dtype)
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        return (type(self), (self._requires_grad,))


def is_lazy(param):
    """Whether param is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet: lazy modules materialize it on their first forward."""
    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .._creation import empty
        p = Tensor.__new__(cls)
        _init(p, empty(0, device=device, dtype=dtype)._data, requires_grad)
        return p

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet: lazy modules materialize it on their first forward."""
    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        from .._creation import empty
        b = Tensor.__new__(cls)
        _init(b, empty(0, device=device, dtype=dtype)._data, requires_grad)
        return b

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass
