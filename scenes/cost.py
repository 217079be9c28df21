"""Parts: a recap of the network, the cost of one example and of all training examples, and the two
functions (the network, and the cost function built on top of it). Every number on screen is read from
a recorded run or computed by gdcore on MNIST.

    .venv/bin/manim -ql scenes/cost.py Recap      # or CostOfOneExample, TwoFunctions
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Circumscribe, Create, FadeIn, FadeOut, GrowArrow,
                   Line, MathTex, Scene, Transform, VGroup, Write)

from gdcore import inputs, load_mnist, one_hot
from gdcore.analysis import cost_breakdown, first_with_label, parameter_breakdown
from scenes import network_words
from scenes.camera import GdvizScene
from scenes.cost_helpers import new_caption, tex_count, training_size, value_line
from scenes.two_functions import NetworkAndCost
from scenes.visuals import (COST, MUTED, SMALL_SIZE, TINY_SIZE, ColumnVector, DigitImage, NetworkDiagram, OutputBars,
                            arrive, cascade, fit_width, light_layer, text, title)
from scenes.weights import draw_network, flash_edges, grow_bars, morph_bars, video_run

__all__ = ["NetworkRecap", "OneExampleCost", "NetworkAndCost", "Recap", "CostOfOneExample", "TwoFunctions"]


# --- part 1: recap --------------------------------------------------------------------------------
class NetworkRecap:
    """The trained network reading one test digit, layer by layer, then its parameter count.

    ``shown``: the image index and label, which neurons are drawn ("neurons", per layer), the labels under
    the layers ("layer_labels": a layer of more than 16 neurons also says how many are drawn) and their
    activations, what each layer's fill is divided by ("fill_scales": 1 for activations in [0, 1], the
    layer's largest activation for ReLU's, said in the caption), the 10 outputs, the answer, the per-layer
    (inputs, neurons) terms of the parameter count and the total.
    """

    name = "Recap: a network that reads digits"

    def __init__(self, run, index: int = 0, run_time: float = 1.0):
        self.run, self.index, self.run_time = run, index, run_time
        data = load_mnist()
        self.image, self.label = data.test_images[index], int(data.test_labels[index])
        self.net = run.network(-1)
        self.activations = [a[0] for a in self.net.feedforward(inputs(self.image[None]))[1]]
        self.answer = int(np.argmax(self.activations[-1]))
        self.scales = [self.fill_scale(l, acts) for l, acts in enumerate(self.activations)]
        self.shown = {}

    def fill_scale(self, layer: int, activations) -> float:
        """What a neuron's fill divides its activation by: 1, or for a ReLU hidden layer (activations 0 or
        more, with no upper limit) the layer's largest activation, so that its brightest neuron is white."""
        hidden = 0 < layer < len(self.net.sizes) - 1
        if hidden and self.net.activation == "relu" and activations.max() > 0:
            return float(activations.max())
        return 1.0

    def play(self, scene: Scene) -> None:
        diagram, bars = self.show_network(scene)
        note = self.light_up(scene, diagram)
        note = self.show_answer(scene, diagram, bars, note)
        self.count_parameters(scene, note)
        scene.wait(2 * self.run_time)

    def layer_labels(self, diagram) -> list[list[str]]:
        """The lines under each layer: '784 pixels', '16 neurons', '10 outputs'; a layer of neurons drawn
        in part adds how many of them are drawn."""
        sizes = self.net.sizes
        names = ["pixels"] + ["neurons"] * (len(sizes) - 2) + ["outputs"]
        return [[f"{n:,} {name}"] + ([f"{len(diagram.shown[l])} drawn"] if l and l in diagram.cut else [])
                for l, (n, name) in enumerate(zip(sizes, names))]

    def build_network(self):
        net = self.net
        diagram = NetworkDiagram(net.sizes, weights=net.weights, height=4.4, layer_gap=1.9).shift(UP * 0.35)
        self.shown["layer_labels"] = self.layer_labels(diagram)
        layer_labels = VGroup(*[VGroup(*[text(s, TINY_SIZE, MUTED) for s in rows]).arrange(DOWN, buff=0.08)
                                .next_to(column, DOWN, buff=0.2)
                                for rows, column in zip(self.shown["layer_labels"], diagram.neurons)])
        for label in layer_labels:   # first lines side by side
            label.shift(UP * (diagram.get_bottom()[1] - 0.3 - label[0].get_y()))
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
        note = new_caption(scene, None, self.lighting_words(), self.run_time)
        layers = [AnimationGroup(*([flash_edges(diagram.edges[l - 1])] if l else []),
                                 cascade(light_layer(diagram, l, acts, scale), lag_ratio=0.05))
                  for l, (acts, scale) in enumerate(zip(self.activations, self.scales))]
        scene.play(cascade(layers, lag_ratio=0.8), run_time=len(layers) * self.run_time)
        self.shown["neurons"] = [list(idx) for idx in diagram.shown]
        self.shown["activations"] = [acts[idx] for acts, idx in zip(self.activations, diagram.shown)]
        self.shown["fill_scales"] = list(self.scales)
        return note

    def lighting_words(self) -> str:
        """The caption while the layers light up; with ReLU hidden layers it says how their fill is scaled."""
        words = f"Pixel brightness sets the {self.net.sizes[0]} input activations; each layer then follows from the one before."
        scaled = [f"{s:.2f}" for s in self.scales if s != 1.0]
        if not scaled:
            return words
        return (f"Each layer follows from the one before. ReLU has no upper limit, so a hidden neuron is lit by its "
                f"activation over its layer's largest ({', '.join(scaled)}).")

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
    """Training image ``index``: the random network's outputs, the target, the cost's terms (squared
    differences, or -y_j log a_j for the cross-entropy cost) and their sum; the trained network's on the
    same image; then the average over the training set.

    ``shown``: {"image_index", "label", "cost" (the run's cost), "formula" (LaTeX), "term" (the terms'
    LaTeX), "random": cost_breakdown, "trained": cost_breakdown, "examples": n,
    "average_random": run.train_cost[0], "average_trained": run.train_cost[-1]}.
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
        self.cost = run.config.cost
        self.shown = {"cost": self.cost}

    def play(self, scene: Scene) -> None:
        table = self.show_example(scene)
        self.show_cost(scene, table)
        self.show_trained(scene, table)
        self.show_average(scene, table)
        scene.wait(2 * self.run_time)

    # the table: outputs | target | the cost's terms, one row per digit
    def outputs(self, parts):
        return OutputBars(parts["outputs"], width=1.5, row=self.ROW, highlight=self.label)

    def terms(self, parts):
        return ColumnVector([self.amount(t, zero="0") for t in parts["terms"]], [COST] * 10, size=TINY_SIZE, row=self.ROW)

    def amount(self, v: float, zero: str = "0.0000") -> str:
        """A cost or term on screen: 4 decimals; for the cross-entropy cost, whose terms are exactly 0
        but for the label's and whose trained cost can be far below 0.0001, ``zero`` for 0 and 3
        significant digits below 0.01 (0.00152, 1.52×10⁻⁵)."""
        if self.cost != "cross_entropy" or v >= 0.01:
            return f"{v:.4f}"
        if v == 0:
            return zero
        power = int(np.floor(np.log10(v)))
        if power >= -3:
            return f"{v:.{2 - power}f}"
        if round(v / 10.0 ** power, 2) >= 10:      # 9.996e-6 is 1.00×10⁻⁵
            power += 1
        return f"{v / 10.0 ** power:.2f}×10" + str(power).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))

    def build_table(self):
        """The three columns (random network) and their headers, rows aligned with the output bars."""
        bars = self.outputs(self.random)
        target = ColumnVector([f"{t:g}" for t in self.random["target"]], size=TINY_SIZE, row=self.ROW)
        terms = self.terms(self.random)
        term = network_words.cost_term_tex(self.cost)
        self.shown["term"] = term
        heads = [("output", "a_j", MUTED), ("target", "y_j", MUTED), (network_words.cost_term_name(self.cost), term, COST)]
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
        self.shown["formula"] = network_words.cost_formula_tex(self.cost, len(self.random["outputs"]))
        formula = MathTex(self.shown["formula"], font_size=36, color=COST)
        convention = text(self.convention(), TINY_SIZE, MUTED)
        random_cost = value_line("random network:", self.amount(self.random["cost"]))
        trained_cost = value_line("trained network:", self.amount(self.trained["cost"]))
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

    def convention(self) -> str:
        """The small print under the formula: which convention (quadratic), or which term is left
        (cross-entropy: the target is 0 but for the label)."""
        if self.cost != "cross_entropy":
            return "(the video's cost: no ½ in front)"
        sub = str(self.label).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
        return f"(only y{sub} is 1, so C = −log a{sub})"

    def cost_words(self) -> str:
        """The caption that brings the terms and their sum."""
        if self.cost != "cross_entropy":
            return "Square each difference, then add them up: the cost of this one example."
        return f"Only the output for the {self.label} counts: minus its log is the cost of this one example."

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
        self.say(scene, table, self.cost_words())
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
        """Each term (a squared difference, or -y_j log a_j) comes out of its row's output and target."""
        return cascade([arrive([line[2], y], term) for line, y, term in zip(table["bars"], table["target"].rows,
                                                                             terms.rows)], lag_ratio=0.08)

    @staticmethod
    def add_up(terms, line) -> list:
        """The cost ``line`` (label, value): the terms pile into its value."""
        return [Write(line[0]), arrive(list(terms.rows), line[1])]

    def show_average(self, scene: Scene, table) -> None:
        n = self.examples
        self.say(scene, table, f"One image is not enough: the network's cost is the average over all {n:,} "
                 "training images.")
        scene.play(Create(table["rule"]), Write(table["average"]), Write(table["words"]), run_time=self.run_time)
        for one, line in ((table["random_cost"], table["before"]), (table["trained_cost"], table["after"])):
            # the average gathers from the examples' costs: this one's C_k, and the sum over all of them
            scene.play(Write(line[0]), arrive([one[1], table["average"][2]], line[1]), run_time=self.run_time)


# --- standalone scenes ----------------------------------------------------------------------------
class Recap(GdvizScene):
    """Standalone: the lecture's trained network (the 'video' run unless the teacher chose another) reading test
    image 0, and its parameter count."""

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
