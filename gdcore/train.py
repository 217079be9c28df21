"""Gradient descent: full-batch, or stochastic over shuffled mini-batches.

    divergence = train(net, X, Y, eta=1.5, batch_size=10, epochs=30, seed=0, on_step=record)

Each step: take a mini-batch, compute the gradient of its cost by backprop, and move
    velocity <- momentum * velocity - eta_t * (gradient + weight_decay * theta)
    theta    <- theta + velocity
(momentum 0 is plain gradient descent: theta <- theta - eta * gradient). ``batch_size=None`` (or
>= n) is full-batch gradient descent: every step sees all n examples, so a step is an epoch.
The learning rate eta_t follows ``schedule``: "constant", "cosine" (eta -> 0 along a half cosine
over the whole run) or "step:E:F" (multiply by F every E epochs; E at least one step, F in (0, 1]).
Every setting is checked first (``check_settings``): a ConfigError names the bad one.

If a step's cost is not finite, training stops and ``train`` returns a Divergence(step,
last_finite_cost) instead of raising; otherwise it returns None.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .checks import generator, number, optional, same_rows, whole
from .errors import ConfigError


@dataclass(frozen=True)
class Divergence:
    """Training stopped at ``step`` because the cost stopped being a finite number."""

    step: int
    last_finite_cost: float | None


def schedule_parts(schedule: str, per_epoch: int | None = None) -> tuple:
    """('constant',) | ('cosine',) | ('step', E, F), checked: E (epochs between decays) a finite
    number > 0, at least one step (1 / per_epoch epochs) when ``per_epoch`` is known; F in (0, 1]."""
    usage = "use 'constant', 'cosine' or 'step:EPOCHS:FACTOR' (e.g. step:10:0.5)"
    if schedule in ("constant", "cosine"):
        return (schedule,)
    parts = schedule.split(":") if isinstance(schedule, str) else []
    if len(parts) != 3 or parts[0] != "step":
        raise ConfigError(f"unknown schedule {schedule!r}; {usage}")
    try:
        every, factor = float(parts[1]), float(parts[2])
    except ValueError:
        raise ConfigError(f"schedule {schedule!r}: EPOCHS and FACTOR must be numbers; {usage}") from None
    if per_epoch:  # a decay more often than once a step means nothing (and 5e-324 overflows)
        number(every, f"schedule {schedule!r}: EPOCHS (epochs between decays, at least one step = 1/{per_epoch} "
                      "epoch here)", low=1 / per_epoch)
    else:
        number(every, f"schedule {schedule!r}: EPOCHS (epochs between decays)", low=0, low_open=True)
    number(factor, f"schedule {schedule!r}: FACTOR (a decay multiplies eta by it)", 0, 1, low_open=True)
    return ("step", every, factor)


def canonical_schedule(schedule: str) -> str:
    """The one spelling of a schedule: 'step:2.0:0.50' -> 'step:2:0.5' (same numbers, same cache key)."""
    parts = schedule_parts(schedule)
    if len(parts) == 1:
        return parts[0]
    return f"step:{repr(parts[1]).removesuffix('.0')}:{repr(parts[2]).removesuffix('.0')}"   # repr: lossless


def parse_schedule(schedule: str, per_epoch: int | None = None):
    """'constant' | 'cosine' | 'step:E:F' -> function (epoch float, total epochs) -> eta multiplier."""
    parts = schedule_parts(schedule, per_epoch)
    if parts[0] == "constant":
        return lambda epoch, total: 1.0
    if parts[0] == "cosine":
        return lambda epoch, total: 0.5 * (1 + math.cos(math.pi * min(epoch / total, 1.0)))
    _, every, factor = parts
    return lambda epoch, total: factor ** math.floor(epoch / every + 1e-9)


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    return 1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size)


def check_settings(n: int, *, eta, batch_size, epochs, steps, momentum, weight_decay, schedule) -> dict:
    """The training settings for n examples, checked (a ConfigError naming the first bad one) and in
    one spelling: floats as float, counts as int, the schedule canonical, plus "total_steps"."""
    eta = number(eta, "eta (learning rate)", low=0, low_open=True)
    batch_size = optional(whole, batch_size, "batch size", 1, n)
    momentum = number(momentum, "momentum", 0, 1, high_open=True)
    weight_decay = number(weight_decay, "weight decay", low=0)
    if (epochs is None) == (steps is None):
        raise ConfigError("give exactly one of epochs and steps")
    epochs = optional(number, epochs, "epochs", low=0)
    steps = optional(whole, steps, "steps", low=0)
    per_epoch = steps_per_epoch(n, batch_size)
    if steps is None:
        if not math.isfinite(epochs * per_epoch):
            raise ConfigError(f"epochs={epochs:g} at {per_epoch:,} steps per epoch is no number of steps; "
                              "give fewer epochs")
        total = int(round(epochs * per_epoch))
    else:
        total = steps
    schedule_parts(schedule, per_epoch)
    return {"eta": eta, "batch_size": batch_size, "epochs": epochs, "steps": steps, "momentum": momentum,
            "weight_decay": weight_decay, "schedule": canonical_schedule(schedule), "total_steps": total}


def divergence_message(divergence: Divergence, *, eta, schedule, momentum, weight_decay) -> str:
    """One line saying what diverged and with which settings, blaming none of them."""
    last = "none" if divergence.last_finite_cost is None else f"{divergence.last_finite_cost:.4g}"
    return (f"training diverged: the cost became non-finite at step {divergence.step} (last finite cost {last}) "
            f"with eta={eta:g}, schedule={schedule}, momentum={momentum:g}, weight decay={weight_decay:g}; "
            "the run stops there (a smaller eta, a decaying schedule or less weight decay may keep it finite)")


def train(net, X, Y, *, eta, batch_size=None, epochs=None, steps=None, momentum=0.0,
          schedule="constant", weight_decay=0.0, seed=0, on_step=None):
    """Train ``net`` in place on X (n, 784), Y (n, 10); return None, or a Divergence.

    Give ``epochs`` or ``steps`` (total mini-batch steps). ``on_step(step, epoch, cost, net)`` is
    called before the first step (step 0, cost None) and after every step (step >= 1, ``epoch`` as
    a float, ``cost`` the mini-batch cost before that step's update).
    """
    n = same_rows(X, Y)
    settings = check_settings(n, eta=eta, batch_size=batch_size, epochs=epochs, steps=steps, momentum=momentum,
                              weight_decay=weight_decay, schedule=schedule)
    eta, batch_size, momentum = settings["eta"], settings["batch_size"], settings["momentum"]
    weight_decay, steps = settings["weight_decay"], settings["total_steps"]
    per_epoch = steps_per_epoch(n, batch_size)
    total_epochs = max(steps / per_epoch, 1e-12)
    multiplier = parse_schedule(schedule, per_epoch)
    rng = generator(seed)
    X, Y = net._inputs(X), net._targets(Y, n)
    theta = net._theta
    grad = np.empty_like(theta)
    velocity = np.zeros_like(theta) if momentum else None
    if on_step:
        on_step(0, 0.0, None, net)
    last_cost = None
    step = 0
    batch = n if per_epoch == 1 else batch_size
    work = net._workspace(batch)
    # Small matrices: one BLAS thread is faster (and keeps the arithmetic order fixed). Overflow is
    # not an error here: a non-finite cost is caught below and returned as a Divergence.
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(over="ignore", invalid="ignore"):
        while step < steps:
            order = None if per_epoch == 1 else rng.permutation(n)
            for start in range(0, n, batch):
                if step >= steps:
                    break
                if order is None:
                    Xb, Yb = X, Y
                else:
                    rows = order[start:start + batch]
                    Xb, Yb = X.take(rows, axis=0), Y.take(rows, axis=0)
                    if len(rows) != work["n"]:
                        work = net._workspace(len(rows))
                rate = eta * multiplier(step / per_epoch, total_epochs)
                _, cost = net.backprop(Xb, Yb, out=grad, work=work)
                if not math.isfinite(cost):
                    return Divergence(step + 1, last_cost)
                if weight_decay:
                    grad += weight_decay * theta
                if velocity is None:
                    theta -= rate * grad
                else:
                    velocity *= momentum
                    velocity -= rate * grad
                    theta += velocity
                step += 1
                last_cost = cost
                if on_step:
                    on_step(step, step / per_epoch, cost, net)
    if not np.all(np.isfinite(theta)):
        return Divergence(step, last_cost)
    return None
