"""ember.backends: the switches of torch.backends that scripts set (cudnn.benchmark, cuda.matmul.allow_tf32 ...).

ember computes with NumPy on the CPU and CuPy on NVIDIA GPUs, without cuDNN, MPS or TF32 kernels of its own: the
switches keep the values scripts give them, and the availability checks answer for ember.
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
