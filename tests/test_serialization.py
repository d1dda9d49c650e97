"""ember.save / ember.load: round trips, PyTorch interop through safetensors, refusal of unsafe or broken files,
atomic saves."""
import errno
import io
import json
import os
import pathlib
import pickle
import struct
import sys

import numpy as np
import pytest
import safetensors.numpy
import safetensors.torch
import torch

import ember
import ember.serialization
from ember import nn


def _same(a, b):
    """a and b (nested structures with ember tensors) equal in types, values, dtypes and flags."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, ember.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def _round_trip(obj, tmp_path):
    ember.save(obj, tmp_path / "obj.safetensors")
    return ember.load(tmp_path / "obj.safetensors")


# ---- round trips -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64,
                                   ember.float16, ember.float32, ember.float64])
def test_tensor_of_every_dtype(dtype, tmp_path):
    t = (ember.arange(-6, 6).reshape(3, 4) * 7).to(dtype)
    _same(_round_trip(t, tmp_path), t)


@pytest.mark.parametrize("t", [ember.tensor(3.5), ember.zeros(0, 3), ember.arange(12.).reshape(3, 4).t(),
                               ember.arange(20.)[::3]], ids=["0-d", "empty", "transposed", "strided"])
def test_tensor_shapes_and_layouts(t, tmp_path):
    out = _round_trip(t, tmp_path)
    _same(out, t)
    assert out.is_contiguous()


def test_nested_structure_keeps_types_order_and_values(tmp_path):
    obj = {"b": [1, 2.5, -0.0, True, None, "text", 2 ** 70, float("inf"), float("-inf"), float("nan")],
           "a": (ember.ones(2), {"inner": (1, (2,)), 3: "int key", (1, "x"): "tuple key", None: 0, 2.5: 1,
                                 False: "bool key"}),
           "empty": {}, "none": None, "list_of_tensors": [ember.zeros(1), ember.tensor([1, 2])]}
    _same(_round_trip(obj, tmp_path), obj)


def test_a_tensor_met_twice_is_stored_once_and_loaded_as_one_object(tmp_path):
    t = ember.arange(3.)
    out = _round_trip({"x": t, "y": [t]}, tmp_path)
    assert out["x"] is out["y"][0]
    assert list(safetensors.numpy.load_file(tmp_path / "obj.safetensors")) == ["x"]


def test_names_that_collide_as_dotted_paths_stay_apart(tmp_path):
    obj = {"a.b": ember.ones(1), "a": {"b": ember.zeros(1)}}
    _same(_round_trip(obj, tmp_path), obj)
    assert sorted(safetensors.numpy.load_file(tmp_path / "obj.safetensors")) == ["a.b", "a.b#1"]


def test_parameters_and_requires_grad_come_back(tmp_path):
    p = nn.Parameter(ember.randn(2, 3))
    frozen = nn.Parameter(ember.randn(2), requires_grad=False)
    leaf = ember.ones(2, requires_grad=True)
    out = _round_trip({"p": p, "frozen": frozen, "leaf": leaf, "nonleaf": leaf * 2}, tmp_path)
    assert type(out["p"]) is nn.Parameter and out["p"].requires_grad
    assert type(out["frozen"]) is nn.Parameter and not out["frozen"].requires_grad
    assert type(out["leaf"]) is ember.Tensor and out["leaf"].requires_grad and out["leaf"].is_leaf
    assert out["nonleaf"].is_leaf and out["nonleaf"].grad_fn is None and out["nonleaf"].requires_grad
    np.testing.assert_array_equal(out["nonleaf"].detach().numpy(), [2., 2.])


def test_loaded_tensors_are_writable_and_independent_of_the_file(tmp_path):
    t = _round_trip(ember.arange(4.), tmp_path)
    t.add_(1)
    np.testing.assert_array_equal(t.numpy(), [1., 2., 3., 4.])
    np.testing.assert_array_equal(ember.load(tmp_path / "obj.safetensors").numpy(), [0., 1., 2., 3.])


def test_file_objects_and_path_types(tmp_path):
    t = ember.randn(3)
    buf = io.BytesIO()
    ember.save({"t": t}, buf)
    buf.seek(0)
    _same(ember.load(buf), {"t": t})
    ember.save(t, str(tmp_path / "s.safetensors"))
    _same(ember.load(pathlib.Path(tmp_path / "s.safetensors"), weights_only=True), t)


def _model():
    return nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(12, 4))


def _torch_model():
    return torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                               torch.nn.Flatten(), torch.nn.Linear(12, 4)).double()


def test_model_state_dict_round_trip_gives_identical_outputs(tmp_path):
    ember.manual_seed(0)
    model = _model().double()
    model.train()
    model(ember.randn(5, 2, 4, 4, dtype=ember.float64))  # moves BatchNorm's running statistics
    ember.save(model.state_dict(), tmp_path / "m.safetensors")
    copy = _model().double()
    copy.load_state_dict(ember.load(tmp_path / "m.safetensors"))
    x = ember.randn(2, 2, 4, 4, dtype=ember.float64)
    model.eval(), copy.eval()
    np.testing.assert_array_equal(copy(x).detach().numpy(), model(x).detach().numpy())
    assert copy[1].num_batches_tracked.item() == 1 and copy[1].num_batches_tracked.dtype == ember.int64


def test_optimizer_checkpoint_resumes_training_exactly(tmp_path):
    """Training 3 steps, saving model+optimizer, loading both into fresh objects and training 3 more equals 6
    uninterrupted steps, bit for bit."""
    def data(step):
        g = ember.Generator().manual_seed(step)
        return ember.randn(8, 3, generator=g), ember.randn(8, 1, generator=g)

    def train(model, opt, steps):
        for s in steps:
            x, y = data(s)
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            opt.step()

    ember.manual_seed(1)
    model = nn.Linear(3, 1)
    opt = ember.optim.AdamW(model.parameters(), lr=0.1, betas=(0.8, 0.99))
    train(model, opt, range(3))
    ember.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, tmp_path / "ck.safetensors")
    train(model, opt, range(3, 6))

    ck = ember.load(tmp_path / "ck.safetensors")
    resumed = nn.Linear(3, 1)
    resumed.load_state_dict(ck["model"])
    resumed_opt = ember.optim.AdamW(resumed.parameters(), lr=0.5)
    resumed_opt.load_state_dict(ck["optim"])
    assert ck["epoch"] == 3 and resumed_opt.param_groups[0]["betas"] == (0.8, 0.99)
    train(resumed, resumed_opt, range(3, 6))
    for a, b in zip(resumed.parameters(), model.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


# ---- PyTorch interop -------------------------------------------------------------------------------------------
def test_pytorch_loads_an_ember_state_dict_and_gives_the_same_outputs(tmp_path):
    ember.manual_seed(2)
    model = _model().double()
    model(ember.randn(5, 2, 4, 4, dtype=ember.float64))
    model.eval()
    ember.save(model.state_dict(), tmp_path / "m.safetensors")

    theirs = _torch_model()
    theirs.load_state_dict(safetensors.torch.load_file(tmp_path / "m.safetensors"))
    theirs.eval()
    x = np.random.default_rng(0).standard_normal((2, 2, 4, 4))
    np.testing.assert_allclose(theirs(torch.from_numpy(x)).detach().numpy(),
                               model(ember.from_numpy(x)).detach().numpy(), rtol=1e-12, atol=1e-14)


def test_ember_loads_a_pytorch_state_dict_and_gives_the_same_outputs(tmp_path):
    torch.manual_seed(3)
    theirs = _torch_model()
    theirs(torch.randn(5, 2, 4, 4, dtype=torch.float64))
    theirs.eval()
    safetensors.torch.save_file(theirs.state_dict(), tmp_path / "t.safetensors")

    sd = ember.load(tmp_path / "t.safetensors")
    assert set(sd) == set(theirs.state_dict())
    model = _model().double()
    model.load_state_dict(sd)
    model.eval()
    x = np.random.default_rng(1).standard_normal((2, 2, 4, 4))
    np.testing.assert_allclose(model(ember.from_numpy(x)).detach().numpy(),
                               theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12, atol=1e-14)


def test_every_dtype_crosses_to_pytorch_and_back(tmp_path):
    ts = {str(d): (ember.arange(-3, 3) * 5).to(d) for d in
          [ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64, ember.float16,
           ember.float32, ember.float64]}
    ember.save(ts, tmp_path / "a.safetensors")
    theirs = safetensors.torch.load_file(tmp_path / "a.safetensors")
    for k, t in ts.items():
        assert str(theirs[k].dtype) == k.replace("ember", "torch")
        np.testing.assert_array_equal(theirs[k].numpy(), t.numpy())
    safetensors.torch.save_file(theirs, tmp_path / "b.safetensors")
    back = ember.load(tmp_path / "b.safetensors")
    assert set(back) == set(ts)
    _same({k: back[k] for k in ts}, ts)


def test_a_plain_safetensors_file_loads_as_a_dict_of_tensors(tmp_path):
    safetensors.numpy.save_file({"w": np.eye(2, dtype=np.float32), "n": np.array(7)}, tmp_path / "p.safetensors")
    out = ember.load(tmp_path / "p.safetensors")
    assert sorted(out) == ["n", "w"] and out["n"].dtype == ember.int64 and out["n"].item() == 7
    np.testing.assert_array_equal(out["w"].numpy(), np.eye(2))


def test_a_dtype_ember_lacks_is_refused_by_name(tmp_path):
    safetensors.torch.save_file({"w": torch.ones(2, dtype=torch.bfloat16)}, tmp_path / "bf.safetensors")
    with pytest.raises(RuntimeError, match=r"tensor 'w' in '.*bf\.safetensors' has dtype BF16, which ember does "
                                           r"not support"):
        ember.load(tmp_path / "bf.safetensors")


# ---- unsafe and broken files -----------------------------------------------------------------------------------
class _Payload:
    """Unpickling this creates the marker file: the code-execution attack pickle files allow."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def test_a_pickle_payload_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"weight": _Payload(marker)})
    pickle.loads(payload)  # the payload is live: unpickling runs it
    assert marker.exists()
    marker.unlink()

    (tmp_path / "model.pth").write_bytes(payload)
    torch.save({"weight": _Payload(marker)}, tmp_path / "zip.pt")
    for name in ("model.pth", "zip.pt"):
        with pytest.raises(RuntimeError, match=r"is a pickle-based PyTorch file .* ember never unpickles(.|\n)*"
                                               r"save_file\(torch.load\('.*" + name.replace(".", r"\.")):
            ember.load(tmp_path / name)
        assert not marker.exists()


def test_metadata_naming_code_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned"
    structure = {"py/reduce": ["builtins.exec", f"open({str(marker)!r}, 'w').close()"]}
    safetensors.numpy.save_file({}, tmp_path / "m.safetensors", metadata={"ember": json.dumps(structure)})
    with pytest.raises(RuntimeError, match=r"the structure recorded in '.*m\.safetensors' is corrupted \(unknown "
                                           r"entry \{\"py/reduce\""):
        ember.load(tmp_path / "m.safetensors")
    assert not marker.exists()


@pytest.mark.parametrize("structure, why", [
    ({"tensor": "absent"}, r"tensor 'absent' is missing"),
    ({"tuple": [1], "dict": []}, r"unknown entry"),
    ({"float": "1e400"}, r"unknown entry"),
    ({"dict": [[[1], 2]]}, r"unhashable type: 'list'"),
    ("[" * 100000 + "]" * 100000, r"maximum recursion depth"),
    ("{not json", r"Expecting property name"),
], ids=["missing-tensor", "two-tags", "bad-float", "list-key", "deep", "not-json"])
def test_corrupted_structure_metadata_is_a_clear_error(structure, why, tmp_path):
    text = structure if isinstance(structure, str) else json.dumps(structure)
    safetensors.numpy.save_file({}, tmp_path / "c.safetensors", metadata={"ember": text})
    with pytest.raises(RuntimeError, match=r"ember.load: the structure recorded in '.*c\.safetensors' is corrupted "
                                           r"\(.*" + why):
        ember.load(tmp_path / "c.safetensors")


def _raw(header, data=b""):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize("content, why", [
    (_raw({"w": {"dtype": "F64", "shape": [3], "data_offsets": [0, 48]}}, bytes(24)), "invalid shape, data type, "
                                                                                     "or offset"),
    (_raw({"w": {"dtype": "F64", "shape": [4], "data_offsets": [0, 24]}}, bytes(24)), "invalid shape, data type, "
                                                                                     "or offset"),
    (_raw({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
           "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, bytes(8)), "invalid offset for tensor"),
    (struct.pack("<Q", 10 ** 12) + b"{}", "header too large"),
    (struct.pack("<Q", 5000) + b"{}", "invalid header length"),
    (struct.pack("<Q", 5) + b"hello", "invalid JSON in header"),
    (b"abc", "header too small"),
], ids=["offset-past-end", "shape-vs-size", "overlap", "huge-header", "header-past-end", "not-json", "tiny"])
def test_a_lying_or_broken_header_is_a_clear_error(content, why, tmp_path):
    (tmp_path / "bad.safetensors").write_bytes(content)
    with pytest.raises(RuntimeError, match=r"ember.load: '.*bad\.safetensors' is not a valid safetensors file \("
                                           + why):
        ember.load(tmp_path / "bad.safetensors")


def test_a_truncated_file_is_a_clear_error_never_partial_state(tmp_path):
    ember.save({"a": ember.ones(100), "b": ember.zeros(100)}, tmp_path / "full.safetensors")
    content = (tmp_path / "full.safetensors").read_bytes()
    for cut in (len(content) - 1, len(content) - 500, 40):
        (tmp_path / "cut.safetensors").write_bytes(content[:cut])
        with pytest.raises(RuntimeError, match=r"'.*cut\.safetensors' is not a valid safetensors file .*"
                                               r"truncated"):
            ember.load(tmp_path / "cut.safetensors")


def test_empty_file_directory_and_missing_file(tmp_path):
    (tmp_path / "empty.safetensors").write_bytes(b"")
    with pytest.raises(RuntimeError, match=r"ember.load: '.*empty\.safetensors' is empty \(0 bytes\)"):
        ember.load(tmp_path / "empty.safetensors")
    with pytest.raises(IsADirectoryError, match=r"ember.load: '.*' is a directory, not a file saved by ember.save"):
        ember.load(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"ember.load: no such file: '.*nothing\.safetensors'"):
        ember.load(tmp_path / "nothing.safetensors")
    with pytest.raises(RuntimeError, match=r"the given file object is empty"):
        ember.load(io.BytesIO())


def test_what_save_cannot_store_is_a_clear_type_error(tmp_path):
    with pytest.raises(TypeError, match=r"can't store an object of type Linear \(save model.state_dict\(\) instead "
                                        r"of the module\): it stores tensors, numbers"):
        ember.save(nn.Linear(2, 2), tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match=r"can't store an object of type function"):
        ember.save({"f": lambda: 0}, tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match=r"can't store a dict key of type Tensor"):
        ember.save({ember.ones(1): 1}, tmp_path / "m.safetensors")
    with pytest.raises(TypeError, match=r"can't store an object of type set"):
        ember.save({"s": {1, 2}}, tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()
    with pytest.raises(IsADirectoryError, match=r"is a directory; give a file path, such as '.*model.safetensors'"):
        ember.save(ember.ones(1), tmp_path)
    with pytest.raises(FileNotFoundError, match=r"the folder '.*nowhere' does not exist"):
        ember.save(ember.ones(1), tmp_path / "nowhere" / "m.safetensors")


# ---- atomic saves ----------------------------------------------------------------------------------------------
@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / "ck.safetensors"
    ember.save({"w": ember.arange(5.)}, path)
    return path, path.read_bytes()


def test_a_save_that_fails_to_sync_leaves_the_old_file_intact(checkpoint, monkeypatch):
    path, before = checkpoint

    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(ember.serialization.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        ember.save({"w": ember.ones(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind


def test_a_save_that_dies_mid_write_leaves_the_old_file_intact(checkpoint, monkeypatch):
    path, before = checkpoint
    real_fdopen = os.fdopen

    class HalfWriter(io.RawIOBase):
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            self.fh.write(bytes(data)[:len(data) // 2])
            self.fh.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(ember.serialization.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space left on device"):
        ember.save({"w": ember.ones(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]
    np.testing.assert_array_equal(ember.load(path)["w"].numpy(), np.arange(5.))


def test_a_save_keeps_the_file_mode_and_new_files_follow_the_umask(checkpoint):
    path, _ = checkpoint
    os.chmod(path, 0o640)
    ember.save(ember.ones(2), path)
    assert os.stat(path).st_mode & 0o777 == 0o640
    old = os.umask(0o027)
    try:
        ember.save(ember.ones(2), path.parent / "new.safetensors")
    finally:
        os.umask(old)
    assert os.stat(path.parent / "new.safetensors").st_mode & 0o777 == 0o640


# ---- map_location ----------------------------------------------------------------------------------------------
def _saved_on_cuda(tmp_path):
    path = tmp_path / "gpu.safetensors"
    safetensors.numpy.save_file({"w": np.ones(2, np.float32)}, path,
                                metadata={"ember": json.dumps({"tensor": "w", "device": "cuda:0"})})
    return path


@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the error on a machine without CUDA")
def test_cuda_tensors_need_map_location_without_cuda(tmp_path):
    path = _saved_on_cuda(tmp_path)
    with pytest.raises(RuntimeError, match=r"holds tensors saved on cuda:0 but CUDA is not available here; pass "
                                           r"map_location='cpu'"):
        ember.load(path)
    for where in ("cpu", ember.device("cpu"), {"cuda:0": "cpu"}):
        t = ember.load(path, map_location=where)
        assert t.device == ember.device("cpu") and t.tolist() == [1., 1.]


def test_map_location_function_gets_the_tensor_and_its_saved_device(tmp_path):
    seen = []

    def place(t, location):
        seen.append(location)
        return t * 2
    out = ember.load(_saved_on_cuda(tmp_path), map_location=place)
    assert seen == ["cuda:0"] and out.tolist() == [2., 2.]


def test_without_safetensors_installed_the_error_says_what_to_install(monkeypatch, tmp_path):
    ember.save(ember.ones(2), tmp_path / "x.safetensors")
    monkeypatch.setitem(sys.modules, "safetensors", None)
    for call in (lambda: ember.save(ember.ones(2), tmp_path / "x.safetensors"),
                 lambda: ember.load(tmp_path / "x.safetensors")):
        with pytest.raises(ImportError, match=r'need the safetensors package: pip install "ember\[safetensors\]"'):
            call()
