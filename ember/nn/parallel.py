"""DataParallel: a module wrapper that runs its module on the CUDA devices (on a machine without one, the module
itself, as PyTorch)."""
from .._device import as_device, cuda, device
from .._tensor import Tensor
from .modules.module import Module

__all__ = ["DataParallel"]


def _index(d):
    return d if isinstance(d, int) else as_device(d).index or 0


def _to(obj, target):
    """Every tensor in obj (nested tuples, lists and dicts) moved to target."""
    if isinstance(obj, Tensor):
        return obj.to(target)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_to(o, target) for o in obj)
    if isinstance(obj, dict):
        return {k: _to(v, target) for k, v in obj.items()}
    return obj


class DataParallel(Module):
    """Wraps module (its state_dict keys gain the prefix 'module.'). Without CUDA, forward calls module; with
    CUDA, module lives on device_ids[0], which runs the batch, and the output goes to output_device."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not cuda.is_available():
            self.module = module
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(cuda.device_count()))
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_index(d) for d in device_ids]
        self.output_device = _index(output_device)
        self.src_device_obj = device("cuda", self.device_ids[0])
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in list(self.module.parameters()) + list(self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(f"module must have its parameters and buffers on device {self.src_device_obj} "
                                   f"(device_ids[0]) but found one of them on device: {t.device}")
        out = self.module(*_to(inputs, self.src_device_obj), **_to(kwargs, self.src_device_obj))
        return _to(out, device("cuda", self.output_device))
