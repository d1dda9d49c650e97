"""ember.viz: the Digraph of make_dot (exact DOT source, structure against torch's own graph), its saved values,
attributes and gradient norms, rendering, the text form, deep graphs, and the digits demo's graph file."""
import io
import re
import shutil
import sys

import numpy as np
import pytest
import torch

import ember
from ember.viz import format_graph, make_dot, print_graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="the Graphviz dot program is not installed (apt install graphviz)")


def _expression(lib):
    w = lib.tensor([1., 2., 3.], requires_grad=True)
    b = lib.tensor(0.5, requires_grad=True)
    x = lib.tensor([3., 4., 5.])
    return w, b, (w * x + b).mean()


def _dag(lib):
    w = lib.tensor([1., 2., 3.], requires_grad=True)
    x = lib.tensor([3., 4., 5.])
    a = w * x
    return w, (a + a.exp()).sum()


def _net(lib):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.5), nn.Linear(8, 3), nn.Tanh(), nn.BatchNorm1d(3))
    loss = nn.functional.cross_entropy(model(lib.ones(2, 1, 4, 4)), lib.tensor([0, 2]))
    return dict(model.named_parameters()), loss


EXPECTED_SOURCE = """digraph {
\tgraph [size="12,12"]
\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]
\t0 [label="()" fillcolor=darkolivegreen1]
\t1 -> 0
\t1 [label=MeanBackward0]
\t2 -> 1
\t2 [label=AddBackward0]
\t3 -> 2
\t4 -> 2
\t3 [label=MulBackward0]
\t5 -> 3
\t5 [label=AccumulateGrad]
\t6 [label="w\\n (3)" fillcolor=lightblue]
\t6 -> 5
\t4 [label=AccumulateGrad]
\t7 [label="b\\n ()" fillcolor=lightblue]
\t7 -> 4
}
"""


def test_source_of_w_x_plus_b_is_exact_and_the_same_every_run():
    w, b, y = _expression(ember)
    assert make_dot(y, params={"w": w, "b": b}).source == EXPECTED_SOURCE
    w, b, y = _expression(ember)
    assert make_dot(y, params={"w": w, "b": b}).source == EXPECTED_SOURCE


def _parse(dot):
    """{id: label lines} and {id: [input ids in edge order]} from a Digraph's body."""
    labels, inputs = {}, {}
    for line in dot.body:
        edge = re.fullmatch(r"\t(\d+) -> (\d+)( \[.*\])?\n", line)
        if edge:
            inputs.setdefault(edge[2], []).append(edge[1])
            continue
        node = re.fullmatch(r'\t(\d+) \[label=("(?:[^"\\]|\\.)*"|\S+)( fillcolor=\w+)?\]\n', line)
        labels[node[1]] = node[2].strip('"').split("\\n")
    return labels, inputs


def _signature(root, inputs_of, label_of):
    """(label, input signatures in order), computed bottom-up without recursion: equal for equal graphs."""
    sig, stack = {}, [root]
    while stack:
        n = stack[-1]
        pending = [i for i in inputs_of(n) if i not in sig]
        if n in sig or not pending:
            stack.pop()
            sig.setdefault(n, (label_of(n), tuple(sig[i] for i in inputs_of(n))))
        else:
            stack.extend(pending)
    return sig[root]


def _signature_ember(dot, node_id):
    labels, inputs = _parse(dot)
    return _signature(node_id, lambda n: inputs.get(n, []), lambda n: " ".join(labels[n]))


def _signature_torch(fn, names):
    """The signature of torch's graph, leaves labelled as make_dot labels them."""
    def inputs_of(f):
        if isinstance(f, torch.Tensor):
            return []
        return [f.variable] if hasattr(f, "variable") else [g for g, _ in f.next_functions if g is not None]

    def label_of(f):
        if isinstance(f, torch.Tensor):
            return f"{names[id(f)]}  ({', '.join(str(n) for n in f.shape)})"
        return f.name().removeprefix("torch::autograd::")
    return _signature(fn, inputs_of, label_of)


def _expression_case(lib):
    w, b, y = _expression(lib)
    return {"w": w, "b": b}, y


def _dag_case(lib):
    w, y = _dag(lib)
    return {"w": w}, y


@pytest.mark.parametrize("build", [_expression_case, _dag_case, _net], ids=["w_x_plus_b", "shared_node", "conv_net"])
def test_nodes_and_edges_are_torchs(build):
    (e_params, e_out), (t_params, t_out) = build(ember), build(torch)
    dot = make_dot(e_out, params=e_params)
    labels, inputs = _parse(dot)
    assert labels["0"] == [f"({', '.join(str(n) for n in e_out.shape)})"] and inputs["0"] == ["1"]
    expected = _signature_torch(t_out.grad_fn, {id(v): k for k, v in t_params.items()})
    assert _signature_ember(dot, "1") == expected
    torch_nodes = _torch_nodes(t_out.grad_fn)
    n_leaves = sum(hasattr(f, "variable") for f in torch_nodes)
    assert len(labels) == 1 + len(torch_nodes) + n_leaves        # output box, one box per node, one per leaf


def _torch_nodes(fn):
    out, stack, seen = [], [fn], set()
    while stack:
        f = stack.pop()
        if f in seen:
            continue
        seen.add(f)
        out.append(f)
        stack.extend(g for g, _ in f.next_functions if g is not None)
    return out


def test_shared_node_is_one_box_with_two_consumers():
    w, y = _dag(ember)
    labels, inputs = _parse(make_dot(y, params={"w": w}))
    mul = [i for i, lab in labels.items() if lab == ["MulBackward0"]]
    assert len(mul) == 1
    consumers = sorted(labels[n][0] for n, ins in inputs.items() if mul[0] in ins)
    assert consumers == ["AddBackward0", "ExpBackward0"]


def test_show_grads_gives_each_leafs_gradient_norm():
    w, b, y = _expression(ember)
    assert "grad norm" not in make_dot(y, params={"w": w, "b": b}, show_grads=True).source   # no .grad yet
    y.backward()
    w_t, b_t, y_t = _expression(torch)
    y_t.backward()
    labels, _ = _parse(make_dot(y, params={"w": w, "b": b}, show_grads=True))
    assert labels["6"] == ["w", " (3)", f"grad norm {w_t.grad.norm().item():.4g}"] == ["w", " (3)", "grad norm 2.357"]
    assert labels["7"] == ["b", " ()", f"grad norm {b_t.grad.norm().item():.4g}"] == ["b", " ()", "grad norm 1"]
    assert labels["0"] == ["()"]          # the output is no leaf: no norm, and no warning about .grad


def test_show_saved_and_show_attrs():
    x = ember.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = (x ** 2.0).sum(dim=1, keepdim=True).exp()
    labels, inputs = _parse(make_dot(y, params={"x": x}, show_saved=True, show_attrs=True))
    assert labels == {
        "0": ["(2, 1)"],
        "1": ["ExpBackward0"],
        "2": ["result", " (2, 1)"],
        "3": ["SumBackward1", "---------------", "  shape: (2, 3)", "   dims: (1,)  ", "keepdim: True  "],
        "4": ["PowBackward0", "------------", "input 1: 2.0"],
        "5": ["input 0", " (2, 3)"],
        "6": ["AccumulateGrad"],
        "7": ["x", " (2, 3)"]}
    assert inputs == {"0": ["1"], "1": ["2", "3"], "3": ["4"], "4": ["5", "6"], "6": ["7"]}
    plain = _parse(make_dot(y, params={"x": x}))[0]
    assert list(plain.values()) == [["(2, 1)"], ["ExpBackward0"], ["SumBackward1"], ["PowBackward0"],
                                    ["AccumulateGrad"], ["x", " (2, 3)"]]
    y.sum().backward()               # the saved tensors are freed: nothing left to draw
    assert "orange" not in make_dot(y, show_saved=True).source


def test_show_attrs_truncates_to_max_attr_chars():
    x = ember.zeros(2, 3, requires_grad=True)
    assert _parse(make_dot(x.reshape(3, 2), show_attrs=True, max_attr_chars=4))[0]["1"] == [
        "ViewBackward0", "-------------", "shape: (..."]
    assert _parse(make_dot(x.reshape(3, 2), show_attrs=True))[0]["1"] == [
        "ViewBackward0", "-------------", "shape: (2, 3)"]


def test_saved_tensors_of_a_custom_function():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g, None

    x = ember.ones(2, 3, requires_grad=True)
    labels, inputs = _parse(make_dot(Square.apply(x, "text"), show_saved=True, show_attrs=True))
    assert labels == {"0": ["(2, 3)"], "1": ["SquareBackward", "--------------", "k: text"],
                      "2": ["saved_tensors[0]", " (2, 3)"], "3": ["AccumulateGrad"], "4": ["(2, 3)"]}
    assert inputs == {"0": ["1"], "1": ["2", "3"], "3": ["4"]}


@needs_dot
def test_renders_png_and_svg_for_jupyter():
    w, b, y = _expression(ember)
    dot = make_dot(y, params={"w": w, "b": b})
    assert dot.pipe(format="png").startswith(b"\x89PNG\r\n\x1a\n")
    svg = dot._repr_image_svg_xml()
    assert "<svg" in svg and "MeanBackward0" in svg and ">w<" in svg
    assert "image/svg+xml" in dot._repr_mimebundle_()


def test_print_graph_exact_text():
    w, b, y = _expression(ember)
    expected = ("output ()\n"
                "MeanBackward0\n"
                "AddBackward0\n"
                "├─ MulBackward0\n"
                "│  AccumulateGrad\n"
                "│  w (3)\n"
                "└─ AccumulateGrad\n"
                "   b ()")
    assert format_graph(y, params={"w": w, "b": b}) == expected
    out = io.StringIO()
    print_graph(y, params={"w": w, "b": b}, file=out)
    assert out.getvalue() == expected + "\n"


def test_print_graph_shared_node_is_shown_once():
    w, y = _dag(ember)
    assert format_graph(y, params={"w": w}) == ("output ()\n"
                                                "SumBackward0\n"
                                                "AddBackward0\n"
                                                "├─ MulBackward0\n"
                                                "│  AccumulateGrad\n"
                                                "│  w (3)\n"
                                                "└─ ExpBackward0\n"
                                                "   MulBackward0 (shown above)")


def test_print_graph_of_a_net_and_of_several_outputs(capsys):
    params, loss = _net(ember)
    text = format_graph(loss, params=params)
    assert text.splitlines()[:4] == ["output ()", "NllLossBackward0", "LogSoftmaxBackward0",
                                     "NativeBatchNormBackward0"]
    assert "│  │  0.weight (2, 1, 3, 3)" in text and "5.weight (3, 8)" in text
    w = ember.tensor([1., 2.], requires_grad=True)
    a, c = (w * 2).unbind()
    print_graph((a, c, w), params={"w": w})
    assert capsys.readouterr().out == ("output ()\nUnbindBackward0\nMulBackward0\nAccumulateGrad\nw (2)\n"
                                       "output ()\nUnbindBackward0 (shown above)\nw (2)\n")


def test_deep_graphs_need_no_recursion():
    x = ember.tensor(1., requires_grad=True)
    y = x
    for _ in range(100000):
        y = y * 1.0
    body = make_dot(y).body
    assert len(body) == 2 * 100003 - 1 and body[-3:] == ["\t100001 [label=AccumulateGrad]\n",
                                                         '\t100002 [label="()" fillcolor=lightblue]\n',
                                                         "\t100002 -> 100001\n"]
    lines = format_graph(y).splitlines()
    assert len(lines) == 100003 and lines[-3:] == ["MulBackward0", "AccumulateGrad", "()"]
    z = x
    for _ in range(1000):       # two inputs per node: branches deeper than 32 levels restart at the margin
        z = z * x
    lines = format_graph(z).splitlines()
    assert max(len(line) for line in lines) == 3 * 32 + len("(inputs of MulBackward0 continue at the left margin)")
    assert sum("continue at the left margin" in line for line in lines) == 1000 // 32
    assert sum(line.endswith("MulBackward0") for line in lines) == 1000


def test_import_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    w, b, y = _expression(ember)
    with pytest.raises(ImportError, match=re.escape('pip install "ember[viz]"') + ".*apt install graphviz"):
        make_dot(y)
    assert format_graph(y).startswith("output ()")      # the text form needs no graphviz


def test_tensor_without_graph_and_non_tensors():
    t = ember.ones(2, 3)
    labels, inputs = _parse(make_dot(t))
    assert labels == {"0": ["(2, 3)"]} and inputs == {}
    assert format_graph(t) == "output (2, 3)"
    w = ember.zeros(4, requires_grad=True)
    assert _parse(make_dot(w, params={"w": w}))[0] == {"0": ["w", " (4)"]}
    with pytest.raises(TypeError, match=r"make_dot\(\): var must be a Tensor or a tuple/list of Tensors, but got "
                                        r"ndarray"):
        make_dot(np.ones(3))
    with pytest.raises(TypeError, match=r"format_graph\(\): .* but got int"):
        format_graph((t, 3))
    with pytest.raises(TypeError, match="params must map names to Tensors, but 'w' is list"):
        make_dot(t, params={"w": [1.0]})


def test_digits_demo_writes_its_graph(tmp_path, monkeypatch):
    from ember.examples import digits
    ember.manual_seed(0)
    model = digits.DigitsNet()
    images, labels = ember.rand(4, 1, 8, 8), ember.tensor([0, 1, 2, 3])
    plot = tmp_path / "digits_training.png"
    if shutil.which("dot") is not None:
        path = digits.save_graph(model, images, labels, plot)
        assert path == tmp_path / "digits_graph.png" and path.read_bytes().startswith(b"\x89PNG")
    monkeypatch.setitem(sys.modules, "graphviz", None)
    path = digits.save_graph(model, images, labels, plot)
    assert path == tmp_path / "digits_graph.txt"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("output ()\nNllLossBackward0\nLogSoftmaxBackward0\nAddmmBackward0\n")
    assert "conv1.weight (16, 1, 3, 3)" in text and text.endswith("fc2.weight (10, 64)\n")
