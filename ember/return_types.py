"""ember.return_types: the named result tuples of ops such as max(dim), sort and topk, as torch.return_types."""
import collections


def _result_type(name, fields):
    """A tuple with named fields that prints as ember.return_types.<name>(...), as torch.return_types."""
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"ember.return_types.{name}(\n{body})"
    return type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__module__": "ember.return_types"})


aminmax = _result_type("aminmax", ('min', 'max'))
cummax = _result_type("cummax", ('values', 'indices'))
cummin = _result_type("cummin", ('values', 'indices'))
frexp = _result_type("frexp", ('mantissa', 'exponent'))
geqrf = _result_type("geqrf", ('a', 'tau'))
histogram = _result_type("histogram", ('hist', 'bin_edges'))
histogramdd = _result_type("histogramdd", ('hist', 'bin_edges'))
linalg_lu_factor_ex = _result_type("linalg_lu_factor_ex", ('LU', 'pivots', 'info'))
_lu_with_info = _result_type("_lu_with_info", ('LU', 'pivots', 'info'))
kthvalue = _result_type("kthvalue", ('values', 'indices'))
linalg_cholesky_ex = _result_type("linalg_cholesky_ex", ('L', 'info'))
linalg_eigh = _result_type("linalg_eigh", ('eigenvalues', 'eigenvectors'))
linalg_eig = _result_type("linalg_eig", ('eigenvalues', 'eigenvectors'))
linalg_inv_ex = _result_type("linalg_inv_ex", ('inverse', 'info'))
linalg_lstsq = _result_type("linalg_lstsq", ('solution', 'residuals', 'rank', 'singular_values'))
linalg_lu = _result_type("linalg_lu", ('P', 'L', 'U'))
linalg_lu_factor = _result_type("linalg_lu_factor", ('LU', 'pivots'))
linalg_qr = _result_type("linalg_qr", ('Q', 'R'))
linalg_slogdet = _result_type("linalg_slogdet", ('sign', 'logabsdet'))
linalg_solve_ex = _result_type("linalg_solve_ex", ('result', 'info'))
linalg_svd = _result_type("linalg_svd", ('U', 'S', 'Vh'))
lu_unpack = _result_type("lu_unpack", ('P', 'L', 'U'))
max = _result_type("max", ('values', 'indices'))
median = _result_type("median", ('values', 'indices'))
min = _result_type("min", ('values', 'indices'))
mode = _result_type("mode", ('values', 'indices'))
nanmedian = _result_type("nanmedian", ('values', 'indices'))
qr = _result_type("qr", ('Q', 'R'))
slogdet = _result_type("slogdet", ('sign', 'logabsdet'))
sort = _result_type("sort", ('values', 'indices'))
svd = _result_type("svd", ('U', 'S', 'V'))
topk = _result_type("topk", ('values', 'indices'))
triangular_solve = _result_type("triangular_solve", ('solution', 'cloned_coefficient'))
