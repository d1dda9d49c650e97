"""Whole training runs, written once and run on ember and on torch from the same weights: the loss curves must
agree step by step. The models are the classic tutorials' (regression net, classifier, the 60-minute-blitz LeNet,
a GAN, dropout and batch-norm nets), in the idioms those tutorials use."""
import numpy as np
import pytest
import torch

import ember


def _copy_weights(e_model, t_model):
    e_model.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t_model.state_dict().items()})


def _run_both(build, steps_fn, n_steps, rtol):
    """build(lib) -> model; steps_fn(lib, model, n_steps) -> list of losses. Returns both curves after comparing."""
    torch.manual_seed(0)
    t_model = build(torch).double()
    e_model = build(ember).double()
    _copy_weights(e_model, t_model)
    curve_t = steps_fn(torch, t_model, n_steps)
    curve_e = steps_fn(ember, e_model, n_steps)
    np.testing.assert_allclose(curve_e, curve_t, rtol=rtol, atol=1e-12)
    for (name, pe), (_, pt) in zip(e_model.state_dict().items(), t_model.state_dict().items()):
        np.testing.assert_allclose(pe.numpy(), pt.detach().numpy(), rtol=rtol, atol=1e-10, err_msg=name)
    return curve_e, curve_t


def _data(rng, *shape):
    return rng.standard_normal(shape)


def test_mlp_classifier_follows_torch_for_50_steps():
    rng = np.random.default_rng(0)
    x, y = _data(rng, 32, 10), rng.integers(0, 3, 32)

    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))

    def steps(lib, model, n):
        opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
        loss_fn = lib.nn.CrossEntropyLoss()
        xs, ys = lib.tensor(x), lib.tensor(y)
        losses = []
        for _ in range(n):
            opt.zero_grad()
            loss = loss_fn(model(xs), ys)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    curve, _ = _run_both(build, steps, 50, rtol=1e-9)
    assert curve[-1] < 0.5 * curve[0]       # it learns


def test_cnn_follows_torch_for_50_steps():
    rng = np.random.default_rng(1)
    x, y = _data(rng, 8, 1, 8, 8), rng.integers(0, 4, 8)

    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(4, 6, 3, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.Flatten(), nn.Linear(24, 4))

    def steps(lib, model, n):
        opt = lib.optim.Adam(model.parameters(), lr=1e-2)
        xs, ys = lib.tensor(x), lib.tensor(y)
        losses = []
        for _ in range(n):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(xs), ys)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    curve, _ = _run_both(build, steps, 50, rtol=1e-8)
    assert curve[-1] < 0.2 * curve[0]


def test_sixty_minute_blitz_lenet():
    """The 'Neural Networks' tutorial's Net, with its num_flat_features-era forward and MSE to a random target."""
    def build(lib):
        nn, F = lib.nn, lib.nn.functional

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 6, 5)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.fc2 = nn.Linear(120, 84)
                self.fc3 = nn.Linear(84, 10)

            def forward(self, x):
                x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = x.view(-1, self.num_flat_features(x))
                x = F.relu(self.fc1(x))
                x = F.relu(self.fc2(x))
                return self.fc3(x)

            def num_flat_features(self, x):
                size = x.size()[1:]
                num_features = 1
                for s in size:
                    num_features *= s
                return num_features
        return Net()

    rng = np.random.default_rng(2)
    inp, target = _data(rng, 1, 1, 32, 32), _data(rng, 10)

    def steps(lib, net, n):
        optimizer = lib.optim.SGD(net.parameters(), lr=0.01)
        criterion = lib.nn.MSELoss()
        losses = []
        for _ in range(n):
            optimizer.zero_grad()
            output = net(lib.tensor(inp))
            loss = criterion(output, lib.tensor(target).view(1, -1))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    _run_both(build, steps, 5, rtol=1e-9)
    net = build(ember)
    assert len(list(net.parameters())) == 10 and list(net.parameters())[0].size() == (6, 1, 5, 5)


def test_regression_tutorial_with_variables():
    """The old 'regression' tutorial: Variable inputs, loss.data, a net subclass with a hidden layer."""
    from ember.autograd import Variable
    from torch.autograd import Variable as TVariable

    def build(lib):
        class Net(lib.nn.Module):
            def __init__(self, n_feature, n_hidden, n_output):
                super(Net, self).__init__()
                self.hidden = lib.nn.Linear(n_feature, n_hidden)
                self.predict = lib.nn.Linear(n_hidden, n_output)

            def forward(self, x):
                return self.predict(lib.nn.functional.relu(self.hidden(x)))
        return Net(1, 10, 1)

    def steps(lib, net, n):
        V = Variable if lib is ember else TVariable
        x = lib.unsqueeze(lib.linspace(-1, 1, 100, dtype=lib.float64), dim=1)
        y = x.pow(2) + 0.1 * lib.tensor(np.random.default_rng(3).random((100, 1)))
        x, y = V(x), V(y)
        optimizer = lib.optim.SGD(net.parameters(), lr=0.2)
        loss_func = lib.nn.MSELoss()
        losses = []
        for _ in range(n):
            prediction = net(x)
            loss = loss_func(prediction, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.data.numpy()))
        return losses

    curve, _ = _run_both(build, steps, 50, rtol=1e-9)
    assert curve[-1] < 0.3 * curve[0]


def test_gan_steps_follow_torch():
    """A tiny GAN: generator and discriminator with BCE, detach() for the discriminator step, two Adams."""
    rng = np.random.default_rng(4)
    real, noise = _data(rng, 16, 2) + 3, _data(rng, 16, 4)

    def build(lib):
        nn = lib.nn

        class GAN(nn.Module):
            def __init__(self):
                super().__init__()
                self.G = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 2))
                self.D = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1), nn.Sigmoid())
        return GAN()

    def steps(lib, gan, n):
        opt_d = lib.optim.Adam(gan.D.parameters(), lr=1e-3, betas=(0.5, 0.999))
        opt_g = lib.optim.Adam(gan.G.parameters(), lr=1e-3, betas=(0.5, 0.999))
        bce = lib.nn.BCELoss()
        ones, zeros = lib.ones(16, 1, dtype=lib.float64), lib.zeros(16, 1, dtype=lib.float64)
        losses = []
        for _ in range(n):
            fake = gan.G(lib.tensor(noise))
            opt_d.zero_grad()
            d_loss = bce(gan.D(lib.tensor(real)), ones) + bce(gan.D(fake.detach()), zeros)
            d_loss.backward()
            opt_d.step()
            opt_g.zero_grad()
            g_loss = bce(gan.D(fake), ones)
            g_loss.backward()
            opt_g.step()
            losses += [d_loss.item(), g_loss.item()]
        return losses

    _run_both(build, steps, 20, rtol=1e-9)


def test_eval_switches_dropout_and_batch_norm_like_torch():
    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))

    rng = np.random.default_rng(5)
    x = _data(rng, 6, 5)
    t_model = build(torch).double()
    e_model = build(ember).double()
    _copy_weights(e_model, t_model)
    with torch.no_grad():
        t_model(torch.tensor(x))         # one training-mode pass updates the running statistics
    with ember.no_grad():
        out_train = e_model(ember.tensor(x))
    np.testing.assert_allclose(e_model[1].running_mean.numpy(), t_model[1].running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(e_model[1].running_var.numpy(), t_model[1].running_var.numpy(), rtol=1e-12)
    e_model.eval()
    t_model.eval()
    with ember.no_grad():
        out_eval = e_model(ember.tensor(x))
        again = e_model(ember.tensor(x))
    np.testing.assert_allclose(out_eval.numpy(), t_model(torch.tensor(x)).detach().numpy(), rtol=1e-10)
    np.testing.assert_array_equal(out_eval.numpy(), again.numpy())      # no dropout in eval
    assert not np.allclose(out_train.numpy(), out_eval.numpy())
    assert out_eval.grad_fn is None


@pytest.mark.parametrize("batch_size", [7, 16])
def test_dataloader_training_loop_matches_torch_batches(batch_size):
    """Sequential batches from TensorDataset/DataLoader, the usual loop, the same curve as torch."""
    rng = np.random.default_rng(6)
    x, y = _data(rng, 40, 3), _data(rng, 40, 1)

    def build(lib):
        return lib.nn.Linear(3, 1)

    def steps(lib, model, n):
        loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y)),
                                           batch_size=batch_size)
        opt = lib.optim.RMSprop(model.parameters(), lr=0.01)
        losses = []
        for _ in range(n):
            for xb, yb in loader:
                opt.zero_grad()
                loss = lib.nn.functional.mse_loss(model(xb), yb)
                loss.backward()
                opt.step()
                losses.append(loss.item())
        return losses

    _run_both(build, steps, 3, rtol=1e-9)


def test_rnn_classifier_follows_torch():
    """The RNN tutorial's shape of model: an LSTM over a batch-first sequence, the last step to a Linear head."""
    rng = np.random.default_rng(7)
    x, y = _data(rng, 6, 5, 3), rng.integers(0, 2, 6)

    def build(lib):
        nn = lib.nn

        class RNNClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = nn.LSTM(input_size=3, hidden_size=8, num_layers=2, batch_first=True)
                self.out = nn.Linear(8, 2)

            def forward(self, x):
                r_out, (h_n, h_c) = self.rnn(x, None)
                return self.out(r_out[:, -1, :])
        return RNNClassifier()

    def steps(lib, model, n):
        opt = lib.optim.Adam(model.parameters(), lr=0.01)
        loss_func = lib.nn.CrossEntropyLoss()
        xs, ys = lib.tensor(x), lib.tensor(y)
        losses = []
        for _ in range(n):
            loss = loss_func(model(xs), ys)
            opt.zero_grad()
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        return losses

    curve, _ = _run_both(build, steps, 30, rtol=1e-8)
    assert curve[-1] < 0.5 * curve[0]
