"""Part 3 of chapter 2: two functions, one above the other -- the network, and the cost function built
on top of it -- with the run's random and trained weights and biases fed through the cost. Every number
is read from the run or computed by gdcore on MNIST. (Its standalone scene is scenes/cost.py's
TwoFunctions.)"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Arrow, GrowArrow, FadeIn, Group, Scene, VGroup, Write, there_and_back

from gdcore import inputs, load_mnist
from scenes import network_words
from scenes.cost_helpers import new_caption, training_size, value_line
from scenes.visuals import (COST, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TINY_SIZE, ColumnVector, DigitImage,
                            FunctionBox, arrive, grow_arrows, text, title)
from scenes.weights import draw_box, flow, swap_column


class NetworkAndCost:
    """Two functions, one above the other: the network (784 numbers in, 10 out, its weights and biases
    as parameters) and the cost (those weights and biases in, one number out, the training set fixed),
    with the random and then the trained parameter vector fed through the cost.

    ``shown``: the image index, the network's 10 outputs on it, the parameter count, the entries of
    each parameter vector drawn ({snapshot: {index: value}}), the number of training examples, the
    cost function's name and what its box says ("cost", "cost_detail": empty for the quadratic cost, the
    lesson's) and the cost of each vector ("cost_random", "cost_trained").
    """

    name = "Two functions: the network and its cost"
    # Entries of the parameter vector drawn: the first layer's weights from three pixels in the middle
    # of the image (row 14, columns 14-16) into neuron 0, then '⋮', then the very last entry.
    CENTRE_PIXEL = 14 * 28 + 14
    ENTRIES = (CENTRE_PIXEL, CENTRE_PIXEL + 1, CENTRE_PIXEL + 2, None, -1)

    def __init__(self, run, index: int = 0, run_time: float = 1.0):
        self.run, self.index, self.run_time = run, index, run_time
        data = load_mnist()
        self.image = data.test_images[index]
        self.examples = training_size(run, data)
        self.first_images = data.train_images[:min(5, self.examples)]
        self.net = run.network(-1)
        self.outputs = self.net.forward(inputs(self.image[None]))[0]
        self.costs = {0: float(run.train_cost[0]), -1: float(run.train_cost[-1])}
        self.shown = {}

    def play(self, scene: Scene) -> None:
        scene.play(Write(title("Two functions: the network, and its cost")), run_time=self.run_time)
        network, note = self.show_network_function(scene)
        machine, vector, results, note = self.show_cost_function(scene, network, note)
        note = self.feed(scene, machine, vector, results[1], 0, note,
                         f"The random weights and biases give a cost of {self.costs[0]:.2f}: a lousy network.")
        self.feed(scene, machine, vector, results[2], -1, note,
                  f"The trained ones give {self.costs[-1]:.3f}. Learning: find weights and biases that make it small.")
        scene.wait(2 * self.run_time)

    def show_network_function(self, scene: Scene):
        n_in, n_out, n_params = self.net.sizes[0], self.net.sizes[-1], self.net.num_params
        digit = DigitImage(self.image, height=1.5)
        digit_words = text(f"{n_in} numbers in\n(the pixels)", TINY_SIZE, MUTED).next_to(digit, DOWN, buff=0.1)
        machine = FunctionBox("the network", f"parameters: {n_params:,}\nweights and biases", width=3.4)
        outputs = ColumnVector([f"{a:.2f}" for a in self.outputs], size=TINY_SIZE, row=0.235)
        out_words = text(f"{n_out} numbers out", TINY_SIZE, MUTED).next_to(outputs, RIGHT, buff=0.15)
        row = flow([Group(digit, digit_words), machine, VGroup(outputs, out_words)], y=1.7)
        note = new_caption(scene, None, f"The network is a function: {n_in} numbers in, {n_out} out, shaped by "
                           f"{n_params:,} parameters.", self.run_time)
        scene.play(FadeIn(digit), Write(digit_words), *draw_box(machine), GrowArrow(row[3]), run_time=self.run_time / 2)
        scene.play(GrowArrow(row[4]), arrive(machine.label, outputs), Write(out_words), run_time=self.run_time / 2)
        self.shown.update(image_index=self.index, outputs=self.outputs.copy(), num_params=n_params)
        return machine, note

    def vector(self, i: int) -> ColumnVector:
        """Snapshot i's parameter vector, a few real entries of it, coloured by sign."""
        theta = self.run.network(i).params
        drawn = {k % len(theta): float(theta[k]) for k in self.ENTRIES if k is not None}
        self.shown.setdefault("parameters", {})[i] = drawn
        values = [None if k is None else theta[k] for k in self.ENTRIES]
        return ColumnVector(["⋮" if v is None else f"{v:+.3f}" for v in values],
                            [MUTED if v is None else POSITIVE if v >= 0 else NEGATIVE for v in values],
                            size=TINY_SIZE, row=0.3)

    def show_cost_function(self, scene: Scene, network, note):
        n_params, n = self.net.num_params, self.examples
        vector = self.vector(0)
        vector_words = text(f"{n_params:,} numbers in\n(the weights and biases)", TINY_SIZE, MUTED)
        machine = FunctionBox("the cost function", self.cost_detail(), width=3.4, color=COST)
        results = VGroup(text("one number out", TINY_SIZE, MUTED),
                         value_line("random weights:", f"{self.costs[0]:.4f}"),
                         value_line("trained weights:", f"{self.costs[-1]:.4f}")).arrange(DOWN, buff=0.2,
                                                                                          aligned_edge=LEFT)
        row = flow([VGroup(vector, vector_words.next_to(vector, DOWN, buff=0.1)), machine, results], y=-1.2)
        thumbs = Group(*[DigitImage(image, height=0.5) for image in self.first_images]).arrange(RIGHT, buff=0.08)
        data_words = Group(thumbs, text("…", SMALL_SIZE, MUTED), text(f"fixed parameters: the {n:,}\nlabelled "
                                                                        "training images", TINY_SIZE, MUTED))
        data_words.arrange(RIGHT, buff=0.15)
        data_words.next_to(machine, DOWN, buff=0.4).align_to(machine, LEFT)
        data_arrow = Arrow([machine.get_x(), data_words.get_top()[1], 0], machine.get_bottom(), buff=0.05,
                           color=MUTED, stroke_width=3)
        note = new_caption(scene, note, "The cost is a function on top of it: the weights and biases go in, "
                           "one number comes out.", self.run_time)
        # the network's weights and biases go into the cost function
        scene.play(arrive(network.detail, vector), Write(vector_words), *draw_box(machine), grow_arrows(row[3:]),
                   Write(results[0]), FadeIn(thumbs), *map(Write, data_words[1:]), GrowArrow(data_arrow),
                   run_time=self.run_time)
        self.shown.update(examples=n, cost=self.net.cost_name, cost_detail=self.cost_detail())
        return machine, vector, results, note

    def cost_detail(self) -> str:
        """What the cost box says under its name: nothing for the lesson's quadratic cost (part 2 showed
        it), the cost's name and formula in words for any other."""
        if self.net.cost_name == "quadratic":
            return ""
        cost = self.net.cost_name
        return f"{network_words.cost_name(cost)}: the mean of\n−log(the label's output)"

    def feed(self, scene: Scene, machine, vector, result, i: int, note, words: str):
        """Put snapshot i's weights and biases into the cost function and show the cost it returns."""
        if i != 0:
            new = self.vector(i).move_to(vector)
            scene.play(*swap_column(vector, new), run_time=self.run_time)
            vector = new
        scene.play(vector.copy().animate.move_to(machine).scale(0.3).set_opacity(0), run_time=self.run_time,
                   remover=True)
        scene.play(machine.frame.animate.set_fill(COST, opacity=0.3), rate_func=there_and_back,
                   run_time=self.run_time)
        scene.play(Write(result[0]), arrive(machine.label, result[1]), run_time=self.run_time)  # one number comes out
        note = new_caption(scene, note, words, self.run_time)
        self.shown["cost_random" if i == 0 else "cost_trained"] = self.costs[i]
        return note


