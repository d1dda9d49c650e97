"""functional_call: run a module with some of its parameters and buffers replaced by given tensors
(torch.nn.utils.stateless / torch.func)."""
__all__ = ["functional_call"]


def _untie(module, tensors):
    """With tied weights (one tensor under several names), a value given for one name goes to all of them."""
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    groups = {}
    for name, tensor in named.items():
        groups.setdefault(id(tensor), set()).add(name)
    untied = dict(tensors)
    for names in groups.values():
        given = names.intersection(tensors)
        if len(names) < 2 or not given:
            continue
        if len({id(tensors[n]) for n in given}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. "
                             f"Consider using tie_weights=False")
        for name in names:
            untied[name] = tensors[next(iter(given))]
    return untied


def _swap(module, name, value):
    """Put value at the dotted name (parameter, buffer or attribute); return a function that undoes it."""
    path, _, leaf = name.rpartition(".")
    owner = module.get_submodule(path)
    for registry in (owner._parameters, owner._buffers):
        if leaf in registry:
            old = registry[leaf]
            registry[leaf] = value

            def restore(registry=registry, old=old):
                registry[leaf] = old
            return restore
    if hasattr(owner, leaf):
        old = getattr(owner, leaf)
        setattr(owner, leaf, value)
        return lambda: setattr(owner, leaf, old)
    object.__setattr__(owner, leaf, value)
    return lambda: object.__delattr__(owner, leaf)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """module(*args, **kwargs) with the tensors in parameters_and_buffers (a dict keyed by dotted names) standing in
    for the module's own during the call; the module is unchanged afterwards. strict: the dict must name every
    parameter and buffer and nothing else."""
    tensors = _untie(module, parameters_and_buffers) if tie_weights else dict(parameters_and_buffers)
    if strict:
        own = [n for n, _ in module.named_parameters(remove_duplicate=False)] + \
            [n for n, _ in module.named_buffers(remove_duplicate=False)]
        missing = sorted(set(own) - set(tensors))
        unexpected = sorted(set(tensors) - set(own))
        errors = []
        if unexpected:
            errors.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            errors.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if errors:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(module._get_name(),
                                                                                "\n\t".join(errors)))
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    undo = []
    try:
        for name, value in tensors.items():
            undo.append(_swap(module, name, value))
        return module(*args, **(kwargs or {}))
    finally:
        for restore in reversed(undo):
            restore()
