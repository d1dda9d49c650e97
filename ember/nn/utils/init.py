"""skip_init: build a module without running its parameter initialisation (torch.nn.utils.skip_init)."""
import inspect

from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """module_cls(*args, **kwargs) with its reset_parameters() skipped: parameters hold uninitialised memory."""
    if not issubclass(module_cls, Module):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    module = module_cls.__new__(module_cls)
    object.__setattr__(module, "reset_parameters", lambda: None)
    module_cls.__init__(module, *args, **kwargs)
    del module.__dict__["reset_parameters"]
    return module
