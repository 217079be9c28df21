"""Gradient descent: full-batch, or stochastic over shuffled mini-batches.

    divergence = train(net, X, Y, eta=1.5, batch_size=10, epochs=30, seed=0, on_step=record)

Each step: take a mini-batch, compute the gradient of its cost by backprop, and move
    velocity <- momentum * velocity - eta_t * (gradient + weight_decay * theta)
    theta    <- theta + velocity
(momentum 0 is plain gradient descent: theta <- theta - eta * gradient). ``batch_size=None`` (or
>= n) is full-batch gradient descent: every step sees all n examples, so a step is an epoch.
The learning rate eta_t follows ``schedule``: "constant", "cosine" (eta -> 0 along a half cosine
over the whole run) or "step:E:F" (multiply by F every E epochs).

If a step's cost is not finite, training stops and ``train`` returns a Divergence(step,
last_finite_cost) instead of raising; otherwise it returns None.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .errors import ConfigError


@dataclass(frozen=True)
class Divergence:
    """Training stopped at ``step`` because the cost stopped being a finite number."""

    step: int
    last_finite_cost: float | None


def parse_schedule(schedule: str):
    """'constant' | 'cosine' | 'step:E:F' -> function (epoch float, total epochs) -> eta multiplier."""
    if schedule == "constant":
        return lambda epoch, total: 1.0
    if schedule == "cosine":
        return lambda epoch, total: 0.5 * (1 + math.cos(math.pi * min(epoch / total, 1.0)))
    parts = schedule.split(":")
    if len(parts) == 3 and parts[0] == "step":
        try:
            every, factor = float(parts[1]), float(parts[2])
        except ValueError:
            every = factor = -1.0
        if every > 0 and factor > 0:
            return lambda epoch, total: factor ** math.floor(epoch / every + 1e-9)
    raise ConfigError(f"unknown schedule {schedule!r}; use 'constant', 'cosine' or 'step:EPOCHS:FACTOR'")


def steps_per_epoch(n: int, batch_size: int | None) -> int:
    return 1 if batch_size is None or batch_size >= n else math.ceil(n / batch_size)


def train(net, X, Y, *, eta, batch_size=None, epochs=None, steps=None, momentum=0.0,
          schedule="constant", weight_decay=0.0, seed=0, on_step=None):
    """Train ``net`` in place on X (n, 784), Y (n, 10); return None, or a Divergence.

    Give ``epochs`` or ``steps`` (total mini-batch steps). ``on_step(step, epoch, cost, net)`` is
    called before the first step (step 0, cost None) and after every step (step >= 1, ``epoch`` as
    a float, ``cost`` the mini-batch cost before that step's update).
    """
    n = len(X)
    if eta <= 0 or not math.isfinite(eta):
        raise ConfigError(f"eta must be a positive number, got {eta}")
    if batch_size is not None and not 1 <= batch_size <= n:
        raise ConfigError(f"batch size must be between 1 and the number of examples ({n}), got {batch_size}")
    if not 0 <= momentum < 1:
        raise ConfigError(f"momentum must be in [0, 1), got {momentum}")
    per_epoch = steps_per_epoch(n, batch_size)
    if steps is None:
        if epochs is None or epochs < 0:
            raise ConfigError(f"epochs must be zero or more, got {epochs}")
        steps = int(round(epochs * per_epoch))
    if steps < 0:
        raise ConfigError(f"steps must be zero or more, got {steps}")
    total_epochs = max(steps / per_epoch, 1e-12)
    multiplier = parse_schedule(schedule)
    rng = np.random.default_rng(seed)
    X, Y = np.asarray(X, net.dtype), np.asarray(Y, net.dtype)
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
