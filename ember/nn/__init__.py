"""ember.nn: modules, parameters, initialisation and the functional forms (torch.nn)."""
from .parameter import Buffer, Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init, parallel, utils
from .parallel import DataParallel
