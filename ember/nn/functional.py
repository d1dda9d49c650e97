"""torch.nn.functional: the functional forms of every layer, activation and loss (re-exports only)."""
from ..ops.linalg import linear, bilinear  # noqa: F401
from ..ops.pointwise import relu, sigmoid, tanh  # noqa: F401
from ..ops.activation import *  # noqa: F401,F403
from ..ops.conv import *  # noqa: F401,F403
from ..ops.normalization import *  # noqa: F401,F403
from ..ops.dropout import *  # noqa: F401,F403
from ..ops.sparse import *  # noqa: F401,F403
from ..ops.attention import *  # noqa: F401,F403
from ..ops.loss import *  # noqa: F401,F403
from ..ops.vision import *  # noqa: F401,F403
from ..ops.distance import *  # noqa: F401,F403
from ..ops.fractional import *  # noqa: F401,F403
