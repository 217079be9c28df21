"""Part: from one example's wishes to the gradient. The running '2''s wishes (minus its own gradient)
for two named entries of each layer (a weight and a bias: six for 784-16-16-10, four with one
hidden layer), then the same for a few other training images, side by side; the
mean of each row; the mean over the whole training set, which is minus the full-batch gradient the
run stored; and the step gradient descent takes with it at the run's learning rate (and what the
run's own steps did besides: weight decay, mini-batches, momentum). A wish that is exactly 0 is
explained by its cause: a blank pixel, or a ReLU neuron that is off for that image. Every number is
computed by gdcore.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Create, FadeIn, FadeOut, Group, Line, Scene, VGroup, Write

from gdcore import analysis, load_mnist, wishes
from gdcore.analysis import param_location
from gdcore.train import parse_schedule, steps_per_epoch
from scenes.camera import GdvizScene
from scenes.example import early_example
from scenes.nudges import signed
from scenes.sensitivity import Narration
from scenes.visuals import (MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TINY_SIZE, DigitImage, arrive, cascade,
                            point_at, signed_color, text, title)
from scenes.weights import video_run

NAME_LEFT = -6.9           # the row names' left edge
FIRST_COLUMN, COLUMN_GAP = -3.0, 1.52
ROW_TOP, ROW_GAP = 1.4, 0.68
HEAD_Y = 2.35
FOOT_Y = -2.62             # the key, then the learning rate


def pick_entries(net, gradient) -> list[int]:
    """Flat indices of six entries of ``gradient`` (num_params,): in each layer, the weight and the
    bias where |gradient| is largest (layer by layer, the weight first)."""
    size = np.abs(np.asarray(gradient, np.float64))
    picked = []
    for layer, ((n_out, n_in), start) in enumerate(zip(net.shapes, layer_starts(net)), start=1):
        weights, biases = np.arange(start, start + n_out * n_in), np.arange(start + n_out * n_in,
                                                                           start + n_out * n_in + n_out)
        picked += [int(weights[size[weights].argmax()]), int(biases[size[biases].argmax()])]
    return picked


def layer_starts(net) -> list[int]:
    """Where each layer's block (W row-major, then b) starts in the flat parameter vector."""
    starts, i = [], 0
    for n_out, n_in in net.shapes:
        starts.append(i)
        i += n_out * n_in + n_out
    return starts


def learning_rate_at(run, snapshot: int) -> float:
    """eta_t: the learning rate of the step taken from ``snapshot`` (the run's eta times its
    schedule at that snapshot's epoch), as ``gdcore.train.train`` computes it."""
    c = run.config
    per_epoch = steps_per_epoch(c.train_size or 60000, c.batch_size)
    total = c.epochs if c.epochs is not None else c.steps / per_epoch
    return float(c.eta * parse_schedule(c.schedule, per_epoch)(float(run.epochs[snapshot]), total))


def row_label(net, i: int) -> VGroup:
    """gdcore's name of entry ``i`` on two lines: 'layer 2, neuron 5' / 'weight from neuron 7'."""
    layer, neuron, rest = net.param_name(i).split(", ", 2)
    rest = rest.replace(f"from layer {int(layer.split()[1]) - 1} ", "from ")
    return VGroup(text(f"{layer}, {neuron}", TINY_SIZE), text(rest, TINY_SIZE, MUTED)).arrange(
        DOWN, aligned_edge=LEFT, buff=0.06)


class FromOneExampleToTheGradient:
    """The example's wishes -dC_x/dtheta for six entries (``pick_entries``), beside those of the
    training images ``others`` (default: the first five others), their row means, the mean over
    the run's whole training set (= minus the stored full-batch gradient) and one full-batch step
    -eta_t dC/dtheta at the run's learning rate. ``shown`` holds every number put on screen."""

    name = "From one example to the gradient"

    def __init__(self, example, others=None, data=None):
        self.example, self.data = example, data
        self.others = [i for i in range(6) if i != example.index][:5] if others is None else [int(i) for i in others]
        self.net = example.net
        self.gradient = np.asarray(example.gradient, np.float64)
        self.shown = {}

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        narration = Narration(scene)
        data = self.data if self.data is not None else load_mnist()
        X, Y = analysis.training_set(self.example.run.config, data)
        indices = pick_entries(self.net, self.gradient)
        wished = self.wishes(indices, X, Y)
        table = self.table(indices, wished, data)
        self.show_one_example(scene, narration, table)
        self.show_other_examples(scene, narration, table, wished)
        self.average_shown(scene, narration, table, wished)
        self.average_all(scene, narration, table, X, Y)
        self.take_one_step(scene, narration, table)
        narration.end(1.5)
        self.shown["captions"] = narration.log

    def show_one_example(self, scene, narration, table) -> None:
        """The '2', its name, its wishes for the six named entries."""
        ex = self.example
        scene.play(Write(title(self.name)), Write(table.names), run_time=0.8)
        column = table.columns[0]
        narration.say(f"What the '{ex.label}' (training image {ex.index}) wants: minus the slope of its own "
                      f"cost, for {len(self.shown['indices'])} of the {self.net.num_params:,} weights and biases.",
                      FadeIn(column.head), run_time=1.0)
        scene.play(cascade([Write(c) for c in column.cells], lag_ratio=0.2), run_time=1.5)
        narration.hold()
        narration.say("Blue: it wants that weight or bias larger; red: smaller; the size says how much.",
                      Write(table.key), run_time=1.0)

    def show_other_examples(self, scene, narration, table, wished) -> None:
        """The same six wishes for the other images, column by column."""
        narration.hold()
        narration.say("Every other image wants something else, often the opposite.", run_time=0.8)
        scene.play(cascade([cascade([FadeIn(c.head)] + [Write(x) for x in c.cells], lag_ratio=0.1)
                            for c in table.columns[1:]], lag_ratio=0.35), run_time=3.2)
        blank = np.flatnonzero(self.inputs[:, self.pixel] == 0)   # the first-layer weight: its pixel is blank there
        self.shown["blank"] = blank.tolist()
        if len(blank):
            narration.hold()
            narration.say(f"Where pixel {pixel_of(self.net, self.shown['indices'][0])} is blank, its weight "
                          "gets no wish at all: 0.", point_at(VGroup(*[table.columns[k].cells[0] for k in blank]),
                                                             run_time=1.5), run_time=1.5)
        off = [(r, k) for r, k in zip(*np.nonzero(self.off)) if not (r == 0 and k in blank)]
        self.shown["off"] = [(int(r), int(k)) for r, k in off]
        if off:
            narration.hold()
            narration.say("Where a ReLU neuron is off for an image (z ≤ 0), no wish passes through it: its bias, "
                          "its weights and the weights out of it get 0.",
                          point_at(VGroup(*[table.columns[k].cells[r] for r, k in off]), run_time=1.5), run_time=1.5)

    def average_shown(self, scene, narration, table, wished) -> None:
        """Each row's mean arrives from its row."""
        narration.hold()
        narration.say(f"Average each row: what these {wished.shape[1]} images want, together.",
                      Write(table.mean.head), Create(table.divider), run_time=1.0)
        scene.play(cascade([arrive([c.cells[r] for c in table.columns], table.mean.cells[r], run_time=1.2)
                            for r in range(len(table.mean.cells))], lag_ratio=0.25), run_time=2.0)

    def average_all(self, scene, narration, table, X, Y) -> None:
        """The mean over the whole training set, beside minus the run's stored gradient: the same."""
        indices = self.shown["indices"]
        means = -wishes.example_gradient_means(self.net, X, Y, indices)
        stored = -self.gradient[indices]
        agree = float(np.max(np.abs(means - stored) / np.abs(stored)))
        digits = int(min(np.floor(-np.log10(agree)) if agree > 0 else 16, 16))
        self.shown.update(all_means=means, stored=stored, train_size=len(X), max_relative_difference=agree,
                          digits_agree=digits)
        places = [FIRST_COLUMN + 0.4 + 2.55 * k for k in range(4)]
        all_column = self.wide_column(means, "mean over all", f"{len(X):,} images", places[1])
        stored_column = self.wide_column(stored, "−∂C/∂θ, the run's", "stored gradient", places[2])
        narration.hold()
        old = Group(*[Group(c.head, c.cells) for c in table.columns], table.divider, table.key)
        scene.play(FadeOut(old), table.mean.head.animate.set_x(places[0]), table.mean.cells.animate.set_x(places[0]),
                   run_time=1.0)
        narration.say(f"Now the same average over all {len(X):,} training images.",
                      Write(all_column.head), run_time=1.0)
        scene.play(cascade([arrive(a, b) for a, b in zip(table.mean.cells, all_column.cells)], lag_ratio=0.2),
                   run_time=2.0)
        same = [signed(a, 4) for a in means] == [signed(b, 4) for b in stored]
        self.shown["same_digits"] = same
        agreement = "in every digit shown" if same else f"to {digits} significant digits"
        narration.hold()
        narration.say(f"That is minus the gradient: the run's own stored ∇C at step {self.example.step:,} agrees "
                      f"{agreement}.", Write(stored_column.head), run_time=1.0)
        scene.play(cascade([arrive(a, b) for a, b in zip(all_column.cells, stored_column.cells)], lag_ratio=0.2),
                   run_time=2.0)
        table.wide = [all_column, stored_column]
        table.places = places

    def take_one_step(self, scene, narration, table) -> None:
        """eta_t at this snapshot, and the change -eta_t dC/dtheta of each named entry."""
        run, snapshot = self.example.run, self.example.snapshot
        eta = learning_rate_at(run, snapshot)
        changes = eta * self.shown["stored"]
        self.shown.update(eta=eta, step_changes=changes)
        schedule = run.config.schedule
        value = text(f"ηₜ = {eta:.5g}", SMALL_SIZE)
        rate = VGroup(value, text(f"the learning rate at step {self.example.step:,} ({schedule} schedule)",
                                  SMALL_SIZE, MUTED)).arrange(RIGHT, buff=0.4).move_to([0, FOOT_Y, 0])
        step_column = self.wide_column(changes, "one full-batch step", "−ηₜ ∂C/∂θ", table.places[3])
        narration.hold()
        narration.say("Gradient descent moves each weight and bias by ηₜ times that average wish.",
                      Write(rate), Write(step_column.head), run_time=1.2)
        stored = table.wide[1]
        scene.play(cascade([arrive([a, value], b) for a, b in zip(stored.cells, step_column.cells)], lag_ratio=0.2),
                   run_time=2.2)
        c = run.config
        notes = []
        if c.weight_decay:
            notes.append(f"also decayed each one by ηₜ · {plain(c.weight_decay)} · θ")
        if c.batch_size and c.batch_size < (c.train_size or 60000):
            notes.append(f"used mini-batches of {c.batch_size} images")
        if c.momentum:
            notes.append(f"added {c.momentum:g} times the step before (momentum)")
        if notes:
            narration.hold()
            listed = " and ".join(notes) if len(notes) < 3 else ", ".join(notes[:-1]) + " and " + notes[-1]
            narration.say(f"The run's own steps {listed}.", point_at(step_column.cells), run_time=1.2)
        self.shown["notes"] = notes

    # --- the numbers --------------------------------------------------------------------------------
    def wishes(self, indices, X, Y) -> np.ndarray:
        """(entries, examples): -dC_x/dtheta_i for the example, then each of ``others``."""
        ex = self.example
        inputs = np.vstack([ex.x[None], X[self.others]])
        targets = np.vstack([ex.y[None], Y[self.others]])
        wished = -self.net.per_example_gradients(inputs, targets)[:, indices].T
        self.inputs, self.pixel = inputs, param_location(self.net.sizes, indices[0])[2]
        self.off = self.switched_off(indices, inputs, targets)
        self.shown.update(indices=list(indices), names=[self.net.param_name(i) for i in indices],
                          examples=[ex.index] + self.others, table=wished, row_means=wished.mean(axis=1))
        return wished

    def switched_off(self, indices, inputs, targets) -> np.ndarray:
        """(entries, examples) True where the entry's wish is 0 because a ReLU neuron is off for that
        example: the neuron it belongs to (its delta is 0), or, for a weight, the one it comes from."""
        off = np.zeros((len(indices), len(inputs)), bool)
        if self.net.activation != "relu":
            return off
        zs, _ = self.net.feedforward(inputs)
        for r, i in enumerate(indices):
            layer, j, k = param_location(self.net.sizes, i)
            if layer < len(self.net.shapes):
                off[r] |= zs[layer - 1][:, j] <= 0
            if k is not None and layer > 1:
                off[r] |= zs[layer - 2][:, k] <= 0
        return off

    # --- the pictures -------------------------------------------------------------------------------
    def table(self, indices, wished, data) -> Group:
        """Row names, one column per example (headed by its image), the row means, a key."""
        names = VGroup(*[row_label(self.net, i).move_to([NAME_LEFT, ROW_TOP - r * ROW_GAP, 0], aligned_edge=LEFT)
                         for r, i in enumerate(indices)])
        columns = []
        for k, index in enumerate(self.shown["examples"]):
            x = FIRST_COLUMN + k * COLUMN_GAP
            image = DigitImage(data.train_images[index], height=0.75).move_to([x, HEAD_Y + 0.2, 0])
            label = text(f"image {index}", TINY_SIZE, MUTED).next_to(image, DOWN, buff=0.1)
            columns.append(self.cells(wished[:, k], x, Group(image, label)))
        x_mean = FIRST_COLUMN + len(columns) * COLUMN_GAP
        mean = self.cells(wished.mean(axis=1), x_mean)
        mean.head = VGroup(text("mean of", TINY_SIZE, MUTED), text(f"these {len(columns)}", TINY_SIZE, MUTED)).arrange(
            DOWN, buff=0.06).move_to([x_mean, HEAD_Y, 0])
        divider = Line([x_mean - COLUMN_GAP / 2, HEAD_Y + 0.5, 0], [x_mean - COLUMN_GAP / 2, ROW_TOP - (len(indices) - 0.6) * ROW_GAP, 0],
                       stroke_color=MUTED, stroke_width=1.5)
        key = VGroup(text("blue: wants it larger", TINY_SIZE, POSITIVE), text("red: wants it smaller", TINY_SIZE,
                                                                              NEGATIVE),
                     text("0: no wish", TINY_SIZE, MUTED)).arrange(RIGHT, buff=0.6).move_to([0, FOOT_Y, 0])
        table = Group(names, *columns, mean, divider, key)
        table.names, table.columns, table.mean, table.divider, table.key = names, columns, mean, divider, key
        return table

    def cells(self, values, x, head=None):
        """A column of signed values (2 significant digits) at ``x``, one per row."""
        column = VGroup()
        column.cells = VGroup(*[text(signed(v, 2), TINY_SIZE, signed_color(v)).move_to([x, ROW_TOP - r * ROW_GAP, 0])
                                for r, v in enumerate(values)])
        column.head = head
        return column

    def wide_column(self, values, head_1, head_2, x):
        """A column of signed values (4 significant digits) at ``x`` under a two-line heading."""
        column = VGroup()
        column.cells = VGroup(*[text(signed(v, 4), TINY_SIZE, signed_color(v)).move_to([x, ROW_TOP - r * ROW_GAP, 0])
                                for r, v in enumerate(values)])
        column.head = VGroup(text(head_1, TINY_SIZE, MUTED), text(head_2, TINY_SIZE, MUTED)).arrange(
            DOWN, buff=0.06).move_to([x, HEAD_Y, 0])
        return column


def plain(x: float) -> str:
    """A small number without an exponent: 5e-05 -> '0.00005'."""
    return np.format_float_positional(x, trim="-")


def pixel_of(net, i: int) -> str:
    """'(6, 15)': the pixel a first-layer weight comes from, in gdcore's words."""
    return net.param_name(i).rsplit("pixel ", 1)[-1]


class AveragingWishes(GdvizScene):
    """Standalone: one example's wishes, others', their average, and the gradient step."""

    def construct(self):
        self.part = FromOneExampleToTheGradient(early_example(video_run()))
        self.part.play(self)
