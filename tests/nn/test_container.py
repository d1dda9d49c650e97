"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch.nn."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember import nn


def test_sequential_indexing_slicing_and_editing():
    e = nn.Sequential(nn.Linear(2, 3), nn.Identity(), nn.Linear(3, 1))
    t = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Identity(), torch.nn.Linear(3, 1))
    assert e[-1] is e[2] and len(e) == 3
    assert isinstance(e[1:], nn.Sequential) and [type(m).__name__ for m in e[1:]] == ["Identity", "Linear"]
    assert list(e[1:]._modules) == list(t[1:]._modules) == ["1", "2"]
    del e[0]
    del t[0]
    assert list(e._modules) == list(t._modules)
    e.append(nn.Identity())
    t.append(torch.nn.Identity())
    e.insert(0, nn.Flatten())
    t.insert(0, torch.nn.Flatten())
    assert repr(e) == repr(t)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        e[9]


def test_sequential_ordereddict_and_forward():
    e = nn.Sequential(OrderedDict([("a", nn.Linear(2, 2)), ("b", nn.Identity())]))
    assert list(dict(e.named_children())) == ["a", "b"]
    x = ember.ones(1, 2)
    np.testing.assert_allclose(e(x).detach().numpy(), e.a(x).detach().numpy())


def test_modulelist_operations_and_repr():
    e = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    t = torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)])
    e += [nn.Identity()]
    t += [torch.nn.Identity()]
    e.insert(1, nn.Linear(1, 1))
    t.insert(1, torch.nn.Linear(1, 1))
    assert repr(e) == repr(t)
    assert len(list(e.parameters())) == 6
    assert isinstance(e[1:3], nn.ModuleList) and len(e[-2:]) == 2
    del e[0]
    del t[0]
    assert repr(e) == repr(t)
    with pytest.raises(TypeError, match="should be called with an iterable"):
        e.extend(nn.Linear(1, 1))


def test_moduledict():
    e = nn.ModuleDict({"x": nn.Linear(1, 2)})
    e["y"] = nn.Identity()
    e.update([("z", nn.Flatten())])
    t = torch.nn.ModuleDict({"x": torch.nn.Linear(1, 2)})
    t["y"] = torch.nn.Identity()
    t.update([("z", torch.nn.Flatten())])
    assert list(e.keys()) == list(t.keys()) and repr(e) == repr(t) and "y" in e
    assert e.pop("y").__class__ is nn.Identity and len(e) == 2


def test_parameterlist_and_dict_register_and_repr():
    e = nn.ParameterList([nn.Parameter(ember.ones(2)), ember.zeros(3, 2)])
    t = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.zeros(3, 2)])
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()] == ["0", "1"]
    assert isinstance(e[1], nn.Parameter) and repr(e) == repr(t)
    d = nn.ParameterDict({"a": ember.ones(1)})
    td = torch.nn.ParameterDict({"a": torch.ones(1)})
    d["b"] = nn.Parameter(ember.ones(2, 2, dtype=ember.float64))
    td["b"] = torch.nn.Parameter(torch.ones(2, 2, dtype=torch.float64))
    assert list(d.keys()) == ["a", "b"] and repr(d) == repr(td)
    assert list(d.state_dict()) == list(td.state_dict())
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        e()
