"""Linear algebra: matmul, mm, bmm, mv, dot, outer, einsum, tril, triu, diag, trace."""
