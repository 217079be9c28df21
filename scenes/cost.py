"""Parts: a recap of the network, the cost of one example and of all training examples, and the two
functions (the network, and the cost function built on top of it). Every number on screen is read from
a recorded run or computed by gdcore on MNIST.

    .venv/bin/manim -ql scenes/cost.py Recap      # or CostOfOneExample, TwoFunctions
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Circumscribe, Create, FadeIn, FadeOut, GrowArrow,
                   Group, Line, MathTex, Scene, Transform, VGroup, Write, there_and_back)

from gdcore import inputs, load_mnist, one_hot
from gdcore.analysis import cost_breakdown, first_with_label, parameter_breakdown
from scenes.camera import GdvizScene
from scenes.visuals import (BODY_SIZE, COST, MUTED, NEGATIVE, POSITIVE, SMALL_SIZE, TINY_SIZE, ColumnVector, DigitImage,
                            FunctionBox, NetworkDiagram, OutputBars, arrive, cascade, caption, fit_width, grow_arrows,
                            light_layer, text, title)
from scenes.weights import draw_box, draw_network, flow, flash_edges, grow_bars, morph_bars, swap_column, video_run


# --- small helpers ------------------------------------------------------------------------------
def value_line(label: str, value: str, color=COST) -> VGroup:
    """'label  value': a muted label and a number in ``color``."""
    return VGroup(text(label, SMALL_SIZE, MUTED), text(value, BODY_SIZE, color)).arrange(RIGHT)


def tex_count(n: int) -> str:
    """12345 -> '12{,}345' (a thousands separator that LaTeX does not space out)."""
    return f"{int(n):,}".replace(",", "{,}")


def training_size(run, data) -> int:
    """How many training images the run's costs average over (its first ``train_size``, or all)."""
    return int(run.config.train_size or len(data.train_labels))


def new_caption(scene: Scene, old, s: str, run_time: float):
    """Write a new caption line as caption ``old`` (or nothing) fades out; return the new line."""
    line = caption(s)
    scene.play(Write(line), *([FadeOut(old)] if old is not None else []), run_time=run_time)
    return line


# --- part 1: recap --------------------------------------------------------------------------------
class NetworkRecap:
    """The trained network reading one test digit, layer by layer, then its parameter count.

    ``shown``: the image index and label, which neurons are drawn ("neurons", per layer) and their
    activations, the 10 outputs, the answer, the per-layer (inputs, neurons) terms of the parameter
    count and the total.
    """

    name = "Recap: a network that reads digits"

    def __init__(self, run, index: int = 0, run_time: float = 1.0):
        self.run, self.index, self.run_time = run, index, run_time
        data = load_mnist()
        self.image, self.label = data.test_images[index], int(data.test_labels[index])
        self.net = run.network(-1)
        self.activations = [a[0] for a in self.net.feedforward(inputs(self.image[None]))[1]]
        self.answer = int(np.argmax(self.activations[-1]))
        self.shown = {}

    def play(self, scene: Scene) -> None:
        diagram, bars = self.show_network(scene)
        note = self.light_up(scene, diagram)
        note = self.show_answer(scene, diagram, bars, note)
        self.count_parameters(scene, note)
        scene.wait(2 * self.run_time)

    def build_network(self):
        net = self.net
        diagram = NetworkDiagram(net.sizes, weights=net.weights, height=4.4, layer_gap=1.9).shift(UP * 0.35)
        names = ["pixels"] + ["neurons"] * (len(net.sizes) - 2) + ["outputs"]
        layer_labels = VGroup(*[text(f"{n} {name}", TINY_SIZE, MUTED).next_to(column, DOWN, buff=0.2)
                                for n, name, column in zip(net.sizes, names, diagram.neurons)])
        for label in layer_labels:
            label.set_y(diagram.get_bottom()[1] - 0.3)
        digit = DigitImage(self.image, height=2.0).next_to(diagram, LEFT, buff=0.9)
        digit_label = text(f"test image #{self.index}", TINY_SIZE, MUTED).next_to(digit, DOWN, buff=0.15)
        into = Arrow(digit.get_right(), diagram.neurons[0].get_left(), buff=0.15, color=MUTED, stroke_width=3)
        outputs = diagram.neurons[-1]
        row = abs(outputs[1].get_y() - outputs[0].get_y())
        bars = OutputBars(self.activations[-1], width=1.6, row=row, highlight=self.answer)
        bars.next_to(outputs, RIGHT, buff=0.35)
        bars.shift(UP * (outputs[0].get_y() - bars[0].get_y()))
        return diagram, layer_labels, VGroup(digit_label, into), digit, bars

    def show_network(self, scene: Scene):
        heading = title("Recap: the network reading one digit")
        diagram, layer_labels, pointer, digit, bars = self.build_network()
        self.shown.update(image_index=self.index, label=self.label)
        scene.play(Write(heading), FadeIn(digit), Write(pointer[0]), GrowArrow(pointer[1]), run_time=self.run_time)
        scene.play(draw_network(diagram, layer_labels), run_time=self.run_time)
        return diagram, bars

    def light_up(self, scene: Scene, diagram):
        note = new_caption(scene, None, f"Pixel brightness sets the {self.net.sizes[0]} input activations; "
                           "each layer then follows from the one before.", self.run_time)
        layers = [AnimationGroup(*([flash_edges(diagram.edges[l - 1])] if l else []),
                                 cascade(light_layer(diagram, l, acts), lag_ratio=0.05))
                  for l, acts in enumerate(self.activations)]
        scene.play(cascade(layers, lag_ratio=0.8), run_time=len(layers) * self.run_time)
        self.shown["neurons"] = [list(idx) for idx in diagram.shown]
        self.shown["activations"] = [acts[idx] for acts, idx in zip(self.activations, diagram.shown)]
        return note

    def show_answer(self, scene: Scene, diagram, bars, note):
        verdict = "right" if self.answer == self.label else "wrong"
        note = new_caption(scene, note, f"The brightest output is the network's answer: {self.answer} "
                    f"(the label says {self.label}: {verdict}).", self.run_time)
        scene.play(grow_bars(bars, sources=diagram.neurons[-1]), run_time=self.run_time)  # read off the outputs
        self.shown.update(outputs=self.activations[-1].copy(), answer=self.answer)
        return note

    def count_parameters(self, scene: Scene, note) -> None:
        terms = parameter_breakdown(self.net.sizes)
        sums = " + ".join(rf"{t['inputs']} \times {t['neurons']} + {t['neurons']}" for t in terms)
        count = MathTex(sums, "=", tex_count(self.net.num_params), font_size=34)
        words = text("weights and biases decide what the network does", SMALL_SIZE)
        fit_width(VGroup(count, words).arrange(DOWN, buff=0.15)).to_edge(DOWN, buff=0.3)
        scene.play(FadeOut(note), Write(count[:2]), Write(words), run_time=self.run_time / 2)
        scene.play(arrive(count[0], count[2]), run_time=self.run_time / 2)  # the total gathers from its terms
        self.shown.update(parameter_terms=[(t["inputs"], t["neurons"]) for t in terms],
                          num_params=self.net.num_params)


# --- part 2: the cost of one example, and of all of them ------------------------------------------
class OneExampleCost:
    """Training image ``index``: the random network's outputs, the target, the squared differences
    and their sum; the trained network's on the same image; then the average over the training set.

    ``shown``: {"image_index", "label", "random": cost_breakdown, "trained": cost_breakdown,
    "examples": n, "average_random": run.train_cost[0], "average_trained": run.train_cost[-1]}.
    """

    name = "The cost of one example"
    ROW = 0.36
    FIRST_ROW = 1.4
    LEFT_EDGE = -4.2

    def __init__(self, run, index: int, run_time: float = 1.0):
        self.run, self.index, self.run_time = run, index, run_time
        data = load_mnist()
        self.image, self.label = data.train_images[index], int(data.train_labels[index])
        self.examples = training_size(run, data)
        x, y = inputs(self.image[None])[0], one_hot([self.label])[0]
        self.random = cost_breakdown(run.network(0), x, y)
        self.trained = cost_breakdown(run.network(-1), x, y)
        self.shown = {}

    def play(self, scene: Scene) -> None:
        table = self.show_example(scene)
        self.show_cost(scene, table)
        self.show_trained(scene, table)
        self.show_average(scene, table)
        scene.wait(2 * self.run_time)

    # the table: outputs | target | squared differences, one row per digit
    def outputs(self, parts):
        return OutputBars(parts["outputs"], width=1.5, row=self.ROW, highlight=self.label)

    def terms(self, parts):
        return ColumnVector([f"{t:.4f}" for t in parts["terms"]], [COST] * 10, size=TINY_SIZE, row=self.ROW)

    def build_table(self):
        """The three columns (random network) and their headers, rows aligned with the output bars."""
        bars = self.outputs(self.random)
        target = ColumnVector([f"{t:g}" for t in self.random["target"]], size=TINY_SIZE, row=self.ROW)
        terms = self.terms(self.random)
        heads = [("output", "a_j", MUTED), ("target", "y_j", MUTED), ("squared difference", "(a_j - y_j)^2", COST)]
        tops = VGroup(*[VGroup(text(word, TINY_SIZE, colour), MathTex(tex, font_size=36)).arrange(DOWN, buff=0.1)
                        for word, tex, colour in heads])
        x = self.LEFT_EDGE
        for column, top in zip((bars, target, terms), tops):
            width = max(column.width, top.width)
            column.set_x(x + width / 2)
            top.set_x(x + width / 2)
            x += width + 0.4
        bars.shift(UP * (self.FIRST_ROW - bars[0].get_y()))
        for column in (target, terms):
            column.shift(UP * (self.FIRST_ROW - column.rows[0].get_y()))
        for top in tops:
            top.align_to(target, DOWN).shift(UP * (target.height + 0.15))
        return bars, target, terms, tops

    def build_panel(self):
        """The right-hand column: the formula, this example's two costs, the average over the training set
        and its two values (recorded in ``shown``)."""
        n, first, last = self.examples, self.run.train_cost[0], self.run.train_cost[-1]
        formula = MathTex(r"C = \sum_{j=0}^{9} (a_j - y_j)^2", font_size=36, color=COST)
        convention = text("(the video's cost: no ½ in front)", TINY_SIZE, MUTED)
        random_cost = value_line("random network:", f"{self.random['cost']:.4f}")
        trained_cost = value_line("trained network:", f"{self.trained['cost']:.4f}")
        rule = Line(LEFT * 2, RIGHT * 2, color=MUTED, stroke_width=1.5)
        average = MathTex(r"\text{Cost} =", rf"\frac{{1}}{{{tex_count(n)}}}", rf"\sum_{{k=1}}^{{{tex_count(n)}}} C_k",
                          font_size=34, color=COST)
        words = text(f"average over {n:,} examples", TINY_SIZE, MUTED)
        before, after = value_line("random network:", f"{first:.4f}"), value_line("trained network:", f"{last:.4f}")
        panel = VGroup(formula, convention, random_cost, trained_cost, rule, average, words, before, after)
        panel.arrange(DOWN, buff=0.17)
        for line in (random_cost, trained_cost, before, after):
            line.align_to(rule, LEFT)
        panel.to_edge(RIGHT, buff=0.35).shift(DOWN * 0.15)
        self.shown.update(examples=n, average_random=float(first), average_trained=float(last))
        return dict(formula=formula, convention=convention, random_cost=random_cost, trained_cost=trained_cost,
                    rule=rule, average=average, words=words, before=before, after=after)

    def show_example(self, scene: Scene):
        heading = title("The cost of one training example")
        digit = DigitImage(self.image, height=2.2).move_to([-5.6, 0.4, 0])
        label = text(f"training image #{self.index}\nlabelled {self.label}", TINY_SIZE, MUTED)
        label.next_to(digit, DOWN, buff=0.2)
        bars, target, terms, tops = self.build_table()
        self.shown.update(image_index=self.index, label=self.label)
        scene.play(Write(heading), FadeIn(digit), Write(label), run_time=self.run_time)
        table = dict(self.build_panel(), bars=bars, target=target, terms=terms, tops=tops, note=None)
        self.say(scene, table, "Random weights and biases: the output layer is a mess.")
        scene.play(grow_bars(bars), Write(tops[0]), run_time=self.run_time)
        self.say(scene, table, f"What we want: 1 for the {self.label}, 0 for every other output neuron.")
        scene.play(Write(target), Write(tops[1]), run_time=self.run_time)
        return table

    def say(self, scene: Scene, table, s: str) -> None:
        """Change the caption (kept in ``table["note"]``)."""
        table["note"] = new_caption(scene, table["note"], s, self.run_time)

    def show_cost(self, scene: Scene, table) -> None:
        self.say(scene, table, "Square each difference, then add them up: the cost of this one example.")
        scene.play(self.square(table, table["terms"]), Create(table["terms"].brackets), Write(table["tops"][2]),
                   run_time=self.run_time)
        scene.play(Write(table["formula"]), Write(table["convention"]), run_time=self.run_time)
        scene.play(Circumscribe(table["terms"], color=COST), *self.add_up(table["terms"], table["random_cost"]),
                   run_time=self.run_time)
        self.say(scene, table, f"Cost {self.random['cost']:.2f} for one image: utter trash.")
        self.shown["random"] = self.random

    def show_trained(self, scene: Scene, table) -> None:
        answer = int(np.argmax(self.trained["outputs"]))
        verdict = "right, so the cost is small" if answer == self.label else "still wrong"
        self.say(scene, table, f"The trained network on the same image answers {answer}: {verdict}.")
        bars = self.outputs(self.trained).move_to(table["bars"], UP + LEFT)
        terms = self.terms(self.trained).move_to(table["terms"], UP + LEFT)
        scene.play(*morph_bars(table["bars"], bars), run_time=self.run_time / 2)
        table["bars"] = bars
        scene.play(FadeOut(table["terms"].rows), Transform(table["terms"].brackets, terms.brackets),
                   self.square(table, terms), run_time=self.run_time / 2)
        scene.play(Circumscribe(terms, color=COST), *self.add_up(terms, table["trained_cost"]), run_time=self.run_time)
        self.shown["trained"] = self.trained

    def square(self, table, terms):
        """Each squared difference comes out of its row's output and target."""
        return cascade([arrive([line[2], y], term) for line, y, term in zip(table["bars"], table["target"].rows,
                                                                             terms.rows)], lag_ratio=0.08)

    @staticmethod
    def add_up(terms, line) -> list:
        """The cost ``line`` (label, value): the squared differences pile into its value."""
        return [Write(line[0]), arrive(list(terms.rows), line[1])]

    def show_average(self, scene: Scene, table) -> None:
        n = self.examples
        self.say(scene, table, f"One image is not enough: the network's cost is the average over all {n:,} "
                 "training images.")
        scene.play(Create(table["rule"]), Write(table["average"]), Write(table["words"]), run_time=self.run_time)
        for one, line in ((table["random_cost"], table["before"]), (table["trained_cost"], table["after"])):
            # the average gathers from the examples' costs: this one's C_k, and the sum over all of them
            scene.play(Write(line[0]), arrive([one[1], table["average"][2]], line[1]), run_time=self.run_time)


# --- part 3: two functions --------------------------------------------------------------------------
class NetworkAndCost:
    """Two functions, one above the other: the network (784 numbers in, 10 out, its weights and biases
    as parameters) and the cost (those weights and biases in, one number out, the training set fixed),
    with the random and then the trained parameter vector fed through the cost.

    ``shown``: the image index, the network's 10 outputs on it, the parameter count, the entries of
    each parameter vector drawn ({snapshot: {index: value}}), the number of training examples and
    the cost of each vector ("cost_random", "cost_trained").
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
        machine = FunctionBox("the cost function", width=3.4, color=COST)
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
        self.shown["examples"] = n
        return machine, vector, results, note

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


# --- standalone scenes ----------------------------------------------------------------------------
class Recap(GdvizScene):
    """Standalone: the trained 'video' network reading test image 0, and its parameter count."""

    def construct(self):
        self.part = NetworkRecap(video_run(), index=0)
        self.part.play(self)


class CostOfOneExample(GdvizScene):
    """Standalone: the cost of the first training '3', before and after training, and the average."""

    def construct(self):
        self.part = OneExampleCost(video_run(), index=first_with_label(load_mnist().train_labels, 3))
        self.part.play(self)


class TwoFunctions(GdvizScene):
    """Standalone: the network as a function, and the cost as a function of its weights and biases."""

    def construct(self):
        self.part = NetworkAndCost(video_run(), index=0)
        self.part.play(self)
