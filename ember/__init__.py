"""ember: a PyTorch-compatible tensor library with reverse-mode autograd, on NumPy."""
from ._dtype import (dtype, bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128,
                     half, float, double, short, int, long, cfloat, cdouble, get_default_dtype, set_default_dtype,
                     get_default_complex_dtype, result_type, promote_types, can_cast)
from ._device import device, cuda
from ._tensor import Tensor, Size, is_tensor, numel, is_nonzero, is_same_size, is_signed, is_inference, get_device
from ._typeinfo import finfo, iinfo
from ._tensor_str import set_printoptions
from ._creation import *  # noqa: F401,F403
from .random import Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state
from . import autograd
from .autograd import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                       is_inference_mode_enabled, is_anomaly_enabled, is_anomaly_check_nan_enabled,
                       set_detect_anomaly, detect_anomaly)
from .ops.pointwise import *  # noqa: F401,F403
from .ops.special import *  # noqa: F401,F403
from .ops.reduce import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.index import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .ops.decompositions import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .ops.distance import *  # noqa: F401,F403
from .ops.inplace import *  # noqa: F401,F403
from .ops.numeric import *  # noqa: F401,F403
from .ops.complex import *  # noqa: F401,F403
from .ops.spectral import *  # noqa: F401,F403
from .ops.activation import (softmax, log_softmax, prelu, selu, celu, hardshrink, threshold, rrelu,  # noqa: F401
                             selu_, celu_, relu_, rrelu_, threshold_)
from .ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d,  # noqa: F401
                       max_pool1d, max_pool2d, max_pool3d, max_pool1d_with_indices, avg_pool1d, adaptive_avg_pool1d)
from .ops.linalg import bilinear  # noqa: F401
from .ops.normalization import rms_norm  # noqa: F401
from .ops.vision import pixel_shuffle, pixel_unshuffle, channel_shuffle  # noqa: F401
from .serialization import *  # noqa: F401,F403
from .utils.dlpack import *  # noqa: F401,F403
from ._switches import *  # noqa: F401,F403
from . import backends, distributions, fft, func, linalg, nn, optim, profiler, return_types, special, testing, utils, viz
from .nn._torch_functions import *  # noqa: F401,F403
from .func import vmap  # noqa: F401

__version__ = "0.1.0"
