"""torch.func: function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call)."""
__all__ = []
