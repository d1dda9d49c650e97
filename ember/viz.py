"""Pictures of the computation graph: make_dot (a graphviz.Digraph, as torchviz draws it) and a text form.

Both walk grad_fn.next_functions from the output back to the leaves with an explicit stack, so graphs of any
depth work, and number the nodes in traversal order, so the same graph always gives the same picture.
"""
import itertools

from ._tensor import Tensor
from .autograd.function import FunctionCtx
from .autograd.node import AccumulateGrad

__all__ = ["make_dot", "format_graph", "print_graph"]

_MAX_TEXT_DEPTH = 32

_NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1", height="0.2",
                  fontname="monospace")


def _outputs(var, fname):
    """var as a list of distinct tensors, or a TypeError naming what was given."""
    items = list(var) if isinstance(var, (tuple, list)) else [var]
    outputs, seen = [], set()
    for v in items:
        if not isinstance(v, Tensor):
            raise TypeError(f"{fname}(): var must be a Tensor or a tuple/list of Tensors, but got "
                            f"{type(v).__name__}")
        if id(v) not in seen:
            seen.add(id(v))
            outputs.append(v)
    return outputs


def _param_names(params):
    """{id(tensor): name} from a dict (or pairs) of name -> tensor, such as dict(model.named_parameters())."""
    names = {}
    for name, p in dict(params or {}).items():
        if not isinstance(p, Tensor):
            raise TypeError(f"params must map names to Tensors, but '{name}' is {type(p).__name__}")
        names[id(p)] = name
    return names


def _size(shape):
    """A shape as torchviz prints it: (3, 4), (3), ()."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _grad_norm(t):
    g = t.grad
    return None if g is None else f"grad norm {float(g.detach().norm()):.4g}"


def _import_graphviz():
    try:
        import graphviz
    except ImportError as err:
        raise ImportError('make_dot needs the graphviz package: pip install "ember[viz]" (rendering the picture '
                          'also needs the Graphviz dot program, e.g. apt install graphviz)') from err
    return graphviz


def _label(lines):
    """A DOT label of text lines, backslashes kept literal, one line each."""
    return "\\n".join(line.replace("\\", "\\\\") for line in lines)


def _is_array(v):
    return isinstance(v, Tensor) or type(v).__name__ == "ndarray"     # numpy's or cupy's


def _saved(node):
    """(tensors, attrs) a node keeps for backward: [(label, shape)] and [(label, value)] for other values."""
    tensors, attrs = [], []
    entries = node._saved or ()
    function_node = isinstance(node, FunctionCtx)
    inputs = getattr(type(node), "retain_inputs", ()) or range(len(entries))    # pointwise ops keep slots
    for i, e in enumerate(entries):
        if e is None:
            continue
        label = f"saved_tensors[{i}]" if function_node else "result" if len(e) == 4 else f"input {inputs[i]}"
        value = e[0]
        if len(e) == 4 or isinstance(value, Tensor):
            tensors.append((label, value.shape))
        elif value is not None:
            attrs.append((label, value))
    for k, v in vars(node).items():
        if k.startswith("_") or k == "variable":
            continue
        if _is_array(v):
            tensors.append((k, v.shape))
        elif isinstance(v, (tuple, list)) and v and all(_is_array(x) for x in v):
            tensors.extend((f"{k}[{j}]", x.shape) for j, x in enumerate(v))
        else:
            attrs.append((k, v))
    return tensors, attrs


def _node_lines(node, show_attrs, max_attr_chars):
    """The name, then under show_attrs a table of the non-tensor values the node saved, as torchviz shows it."""
    name = node.name()
    attrs = _saved(node)[1] if show_attrs else ()
    if not attrs:
        return [name]
    width = max(max_attr_chars, 3)
    keys = max(len(k) for k, _ in attrs)
    values = [str(v) if len(str(v)) <= width else str(v)[:width - 3] + "..." for _, v in attrs]
    col = max(len(v) for v in values)
    rows = [f"{k:>{keys}}: {v:<{col}}" for (k, _), v in zip(attrs, values)]
    return [name, "-" * max(keys + col + 2, len(name))] + rows


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50, show_grads=False):
    """A graphviz.Digraph of the graph that produced var (a tensor or a tuple/list of tensors).

    One box per grad_fn (named as PyTorch names it); leaves in lightblue, labelled with their name in params
    (e.g. dict(model.named_parameters())) and shape; outputs in darkolivegreen1. show_saved adds the tensors
    each node saved for backward (orange), show_attrs its other saved values (cut to max_attr_chars),
    show_grads each leaf's gradient norm after a backward.
    """
    outputs = _outputs(var, "make_dot")
    names = _param_names(params)
    graphviz = _import_graphviz()
    dot = graphviz.Digraph(node_attr=_NODE_ATTR, graph_attr=dict(size="12,12"))
    counter = itertools.count()
    ids = {}
    stack = []

    def add(label_lines, **attrs):
        i = str(next(counter))
        dot.node(i, graphviz.nohtml(_label(label_lines)), **attrs)
        return i

    def tensor_lines(t):
        name = names.get(id(t))
        lines = [name, " " + _size(t.shape)] if name else [_size(t.shape)]
        grad = _grad_norm(t) if show_grads and t.is_leaf else None
        return lines + [grad] if grad else lines

    def discover(node):
        if node not in ids:
            ids[node] = str(next(counter))
            stack.append(node)
        return ids[node]

    for out in outputs:
        out_id = add(tensor_lines(out), fillcolor="darkolivegreen1")
        if out.grad_fn is None:
            continue
        dot.edge(discover(out.grad_fn), out_id)
        while stack:
            node = stack.pop()
            node_id = ids[node]
            dot.node(node_id, graphviz.nohtml(_label(_node_lines(node, show_attrs, max_attr_chars))))
            if isinstance(node, AccumulateGrad):
                dot.edge(add(tensor_lines(node.variable), fillcolor="lightblue"), node_id)
            if show_saved:
                for label, shape in _saved(node)[0]:
                    dot.edge(add([label, " " + _size(shape)], fillcolor="orange"), node_id, dir="none")
            new = []
            for fn in node._nexts:
                if fn is None:
                    continue
                if fn not in ids:
                    new.append(fn)
                dot.edge(discover(fn), node_id)
            stack[len(stack) - len(new):] = reversed(new)   # first input first, numbered in input order
    size = max(12, 0.15 * len(dot.body))
    dot.graph_attr["size"] = f"{size:g},{size:g}"
    return dot


def format_graph(var, params=None):
    """The graph that produced var as a text tree, from the output back to the leaves.

    Each line is computed from the lines under it: a node's single input follows in the same column, several
    inputs branch with ├─ and └─. A node reached again is shown once more as 'Name (shown above)', without its
    inputs. Branches deeper than 32 levels go on at the left margin, so the text stays linear in the graph size.
    """
    outputs = _outputs(var, "format_graph")
    names = _param_names(params)

    def tensor_label(t, name):
        return f"{names.get(id(t), name)} {_size(t.shape)}".lstrip()

    lines = []
    shown = set()
    for out in outputs:
        lines.append(tensor_label(out, "output"))
        stack = [(out.grad_fn, "", "")] if out.grad_fn is not None else []
        while stack:
            item, lead, prefix = stack.pop()      # lead: what comes before the label; prefix: its inputs' column
            if isinstance(item, Tensor):
                lines.append(lead + tensor_label(item, ""))
                continue
            if item in shown:
                lines.append(f"{lead}{item.name()} (shown above)")
                continue
            shown.add(item)
            lines.append(lead + item.name())
            inputs = ([item.variable] if isinstance(item, AccumulateGrad) else
                      [fn for fn in item._nexts if fn is not None])
            if len(inputs) == 1:
                stack.append((inputs[0], prefix, prefix))
                continue
            if len(prefix) >= 3 * _MAX_TEXT_DEPTH:
                lines.append(prefix + f"(inputs of {item.name()} continue at the left margin)")
                prefix = ""
            stack.extend((x, prefix + ("└─ " if i == 0 else "├─ "), prefix + ("   " if i == 0 else "│  "))
                         for i, x in enumerate(reversed(inputs)))
    return "\n".join(lines)


def print_graph(var, params=None, file=None):
    """Print the graph that produced var as an indented text tree (see format_graph); needs no graphviz."""
    print(format_graph(var, params), file=file)
