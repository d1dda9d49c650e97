"""jacobian, hessian, vjp, jvp (to be written)."""
