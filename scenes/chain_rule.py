"""Part: the same in symbols. The chain rule for one last-layer weight of the running '2', with its
real numbers substituted, multiplied out and shown equal to the entry gdcore's backprop computed;
then, briefly, the same for that neuron's bias and for an activation of the layer before (the
summed wish of ``gdcore.wishes.backward_step``). Every number comes from the example's network.

With the quadratic cost the last two links are sigma'(z_j) and 2 (a_j - y_j); with softmax outputs
and the cross-entropy cost they are one, dC/dz_j = a_j - y_j, and the part shows that instead
(``wishes.wished_quantity``).

The weight: into output neuron j = the example's label (the right answer, the output that most
wants to rise), from neuron k = the most active neuron of the layer before (the largest a_k, so the
largest first factor).
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, FadeOut, MathTex, Scene, VGroup, Write

from gdcore import analysis, wishes
from scenes.camera import GdvizScene
from scenes.example import early_example
from scenes.visuals import (COST, GRADIENT, MUTED, TEXT, TINY_SIZE, arrive, caption, cascade, point_at,
                            recaption, text, title)
from scenes.weights import video_run

SYMBOL_SIZE, NUMBER_SIZE = 40, 36
SYMBOL_Y, NUMBER_Y, CHECK_Y = 2.2, 0.3, -1.1


def tex_number(v: float, digits: int = 4) -> str:
    """``v`` with ``digits`` significant digits for MathTex (its '-' is a true minus sign)."""
    return f"{v:#.{digits}g}".rstrip(".") if abs(v) >= 1e-4 else f"{v:.{digits - 1}e}"


def plain_number(v: float, digits: int = 8) -> str:
    """``v`` to ``digits`` decimals in text, with a true minus sign."""
    return f"{v:+.{digits}f}".replace("-", "−")


class ChainRuleInSymbols:
    """The chain rule for one weight w_jk of the last layer on ``example`` (a scenes.example.Example):
    symbols, the example's numbers arriving from them, their product equal to gdcore's per-example
    gradient entry; then the bias b_j and the activation a_k of the layer before.

    ``j`` and ``k`` default to the rule of the module's docstring; ``pace`` scales every wait.
    ``shown`` records every number put on screen.
    """

    name = "The same in symbols"

    def __init__(self, example, j: int | None = None, k: int | None = None, pace: float = 1.0):
        self.example, self.pace = example, pace
        net = example.net
        self.L = len(net.sizes) - 1
        self.zs, self.activations = wishes.forward_one(net, example.x)
        self.j = int(example.label if j is None else j)
        self.k = int(np.argmax(self.activations[self.L - 1]) if k is None else k)
        self.gradient = net.per_example_gradients(example.x[None], example.y[None])[0]
        self.on = wishes.wished_quantity(net)          # "a": sigma' and 2(a - y); "z": softmax's a - y
        self.shown = {"j": self.j, "k": self.k, "wished": self.on}

    # --- storyboard ---------------------------------------------------------------------------------
    def play(self, scene: Scene) -> None:
        heading = title(self.name)
        words = f"A weight into output {self.j} (the right answer), from layer {self.L - 1}'s most active neuron."
        note = caption(words)
        scene.play(Write(heading), Write(note), run_time=self.pace)
        scene.wait(self.reading(words, self.pace))
        shown, note = self.weight(scene, note)
        scene.play(*[FadeOut(m) for m in shown], run_time=0.5 * self.pace)
        shown, note = self.bias(scene, note)
        scene.play(*[FadeOut(m) for m in shown], run_time=0.5 * self.pace)
        self.activation(scene, note)

    def weight(self, scene, note):
        """dC/dw_jk = a_k sigma'(z_j) 2(a_j - y_j) (softmax with cross-entropy, where dC/dz_j = a_j - y_j:
        a_k (a_j - y_j)): symbols, the example's numbers, their product."""
        a_k, slope, a_j, y_j = self.factors()
        i = analysis.param_index(self.example.net.sizes, self.L, self.j, self.k)
        L, j, k, softmax = self.L, self.j, self.k, self.on == "z"
        product = a_k * (a_j - y_j) if softmax else a_k * slope * 2 * (a_j - y_j)
        self.shown["weight"] = {"index": i, "name": self.example.net.param_name(i), "a_k": a_k, "a_j": a_j,
                                "y_j": y_j, "product": product, "gdcore": float(self.gradient[i]),
                                **({} if softmax else {"slope": slope})}
        if softmax:
            rest = [(r"(a_j^{(L)} - y_j)", rf"({tex_number(a_j)} - {y_j:g})", ("∂C/∂z: how far off", f"output {j} is"),
                     COST)]
            first = ("The chain rule: z moves with this weight by a_k, and with softmax outputs and the cost −log a_y, "
                     "the cost moves with z by a − y.")
        else:
            rest = [(r"\sigma'(z_j^{(L)})", tex_number(slope), ("how steep", f"neuron {j} is"), TEXT),
                    (r"\cdot", r"\times", None, TEXT),
                    (r"2\,(a_j^{(L)} - y_j)", rf"2\,({tex_number(a_j)} - {y_j:g})", ("how far off", f"output {j} is"),
                     COST)]
            first = "The chain rule: one factor for each link from this weight to the cost."
        columns = self.columns(
            [(r"\frac{\partial C}{\partial w_{jk}^{(L)}}", rf"\frac{{\partial C}}{{\partial w_{{{j},{k}}}^{{({L})}}}}",
              None, GRADIENT),
             (r"=", r"=", None, TEXT),
             (r"a_k^{(L-1)}", tex_number(a_k), ("how active", f"neuron {k} is"), TEXT),
             (r"\cdot", r"\times", None, TEXT), *rest])
        result = self.result(columns, product)
        check = self.check(i, product)
        return self.derive(scene, note, columns, result, check, [
            first, f"The '{self.example.label}''s own numbers: each factor is a value from its forward pass.",
            "Their product is the very entry gdcore's backprop computed for this image."])

    def bias(self, scene, note):
        """dC/db_j: the first factor is 1 (z_j moves one for one with b_j)."""
        a_k, slope, a_j, y_j = self.factors()
        if self.on == "z":
            return self.bias_of_softmax(scene, note, a_j, y_j)
        i = analysis.param_index(self.example.net.sizes, self.L, self.j)
        product = 1.0 * slope * 2 * (a_j - y_j)
        self.shown["bias"] = {"index": i, "name": self.example.net.param_name(i), "slope": slope, "a_j": a_j,
                              "y_j": y_j, "product": product, "gdcore": float(self.gradient[i])}
        L, j = self.L, self.j
        columns = self.columns(
            [(r"\frac{\partial C}{\partial b_{j}^{(L)}}", rf"\frac{{\partial C}}{{\partial b_{{{j}}}^{{({L})}}}}",
              None, GRADIENT),
             (r"=", r"=", None, TEXT),
             (r"1", r"1", ("z = w·a + b,", "so dz/db = 1"), TEXT),
             (r"\cdot", r"\times", None, TEXT),
             (r"\sigma'(z_j^{(L)})", tex_number(slope), None, TEXT),
             (r"\cdot", r"\times", None, TEXT),
             (r"2\,(a_j^{(L)} - y_j)", rf"2\,({tex_number(a_j)} - {y_j:g})", None, COST)])
        result = self.result(columns, product)
        check = self.check(i, product)
        return self.derive(scene, note, columns, result, check, [
            "For the bias the first factor is just 1: z moves one for one with b.",
            "The other two factors are the same; the product is gdcore's bias entry."])

    def bias_of_softmax(self, scene, note, a_j, y_j):
        """dC/db_j = 1 (a_j - y_j) for a softmax output with the cross-entropy cost."""
        i = analysis.param_index(self.example.net.sizes, self.L, self.j)
        product = 1.0 * (a_j - y_j)
        self.shown["bias"] = {"index": i, "name": self.example.net.param_name(i), "a_j": a_j, "y_j": y_j,
                              "product": product, "gdcore": float(self.gradient[i])}
        L, j = self.L, self.j
        columns = self.columns(
            [(r"\frac{\partial C}{\partial b_{j}^{(L)}}", rf"\frac{{\partial C}}{{\partial b_{{{j}}}^{{({L})}}}}",
              None, GRADIENT),
             (r"=", r"=", None, TEXT),
             (r"1", r"1", ("z = w·a + b,", "so dz/db = 1"), TEXT),
             (r"\cdot", r"\times", None, TEXT),
             (r"(a_j^{(L)} - y_j)", rf"({tex_number(a_j)} - {y_j:g})", None, COST)])
        result = self.result(columns, product)
        check = self.check(i, product)
        return self.derive(scene, note, columns, result, check, [
            "For the bias the first factor is just 1: z moves one for one with b.",
            "The other factor is the same; the product is gdcore's bias entry."])

    def activation(self, scene, note):
        """dC/da_k^(L-1) = sum_j w_jk sigma'(z_j) 2(a_j - y_j): a path through every output, summed;
        it is minus the summed wish of ``wishes.backward_step``."""
        net, L, k = self.example.net, self.L, self.k
        a, y = self.activations[L], self.example.y
        softmax = self.on == "z"
        terms = net.weights[L - 1][:, k] * (a - y) if softmax else net.weights[L - 1][:, k] * a * (1 - a) * 2 * (a - y)
        total = float(terms.sum())
        summed = float(wishes.backward_step(net, self.example.x, self.example.y, L)["summed"][k])
        largest = np.argsort(-np.abs(terms))[:3]
        self.shown["activation"] = {"terms": terms.tolist(), "largest": largest.tolist(), "sum": total,
                                    "summed_wish": summed}
        shown_terms = " + ".join(tex_number(float(terms[t]), 3) for t in largest).replace("+ -", "- ")
        columns = self.columns(
            [(r"\frac{\partial C}{\partial a_{k}^{(L-1)}}", rf"\frac{{\partial C}}{{\partial a_{{{k}}}^{{({L - 1})}}}}",
              None, GRADIENT),
             (r"=", r"=", None, TEXT),
             (rf"\sum_{{j=0}}^{{{len(terms) - 1}}} w_{{jk}}^{{(L)}}\,(a_j^{{(L)}} - y_j)" if softmax else
              rf"\sum_{{j=0}}^{{{len(terms) - 1}}} w_{{jk}}^{{(L)}}\,\sigma'(z_j^{{(L)}})\,2\,(a_j^{{(L)}} - y_j)",
              shown_terms + r" + \cdots", ("one path through each output neuron:",
                                           f"the 3 largest of the {len(terms)} terms, then the rest"), TEXT)])
        result = self.result(columns, total)
        check = VGroup(text(f"gdcore.wishes.backward_step: the summed wish for neuron {k} of layer {L - 1} is "
                            f"{plain_number(summed)}", TINY_SIZE, MUTED),
                       text(f"and the derivative is minus the wish: {plain_number(total)}", TINY_SIZE, MUTED,
                            t2c={plain_number(total): GRADIENT})).arrange(DOWN, buff=0.12).set_y(CHECK_Y)
        self.derive(scene, note, columns, result, check, [
            f"An activation of layer {L - 1} reaches the cost through every output: sum the paths.",
            "That sum is the neuron's summed wish, sign flipped: backprop's step back a layer."],
            terms_arrive_together=True)
        scene.wait(0.5 * self.pace)

    # --- the pieces ---------------------------------------------------------------------------------
    def factors(self):
        """(a_k of layer L-1, sigma'(z_j) = a_j (1 - a_j), a_j, y_j) of the example's forward pass."""
        a_j = float(self.activations[self.L][self.j])
        return (float(self.activations[self.L - 1][self.k]), a_j * (1 - a_j), a_j,
                float(self.example.y[self.j]))

    def columns(self, specs) -> VGroup:
        """One column per (symbol tex, number tex, label lines or None, colour): the symbol at
        SYMBOL_Y, its label below, its number at NUMBER_Y, all centred on one x."""
        out = VGroup()
        for symbol, number, label, colour in specs:
            col = VGroup(MathTex(symbol, font_size=SYMBOL_SIZE, color=colour),
                         MathTex(number, font_size=NUMBER_SIZE, color=colour),
                         VGroup(*[text(s, TINY_SIZE, MUTED) for s in label or ()]).arrange(DOWN, buff=0.08))
            col.symbol, col.number, col.label = col
            out.add(col)
        x = 0.0
        for col in out:
            drawn = [m for m in col if len(m.get_family()) > 1 or m.has_points()]
            width = max(m.width for m in drawn)
            for m in drawn:
                m.set_x(x + width / 2)
            x += width + 0.3
        for col in out:
            col.symbol.set_y(SYMBOL_Y)
            col.number.set_y(NUMBER_Y)
        below = min(col.symbol.get_bottom()[1] for col in out) - 0.2     # labels hang below the lowest symbol
        for col in out:
            if len(col.label):
                col.label.shift(UP * (below - col.label.get_top()[1]))
        return out

    def result(self, columns, value: float) -> MathTex:
        """'= value' at the end of the numbers' row, the whole row centred on the frame."""
        out = MathTex("=", tex_number(value), font_size=NUMBER_SIZE, color=GRADIENT)
        out.next_to(columns[-1].number, RIGHT, buff=0.3)
        VGroup(columns, out).set_x(0)
        return out

    def check(self, i: int, product: float) -> VGroup:
        name, value = self.example.net.param_name(i), float(self.gradient[i])
        lines = VGroup(text(f"the product, to 8 decimals: {plain_number(product)}", TINY_SIZE, MUTED,
                            t2c={plain_number(product): GRADIENT}),
                       text(f"gdcore's backprop on this image alone: {plain_number(value)}", TINY_SIZE, MUTED,
                            t2c={plain_number(value): GRADIENT}),
                       text(f"(entry {i:,} of its gradient: {name})", TINY_SIZE, MUTED))
        return lines.arrange(DOWN, buff=0.12).set_y(CHECK_Y)

    def derive(self, scene, note, columns, result, check, words, terms_arrive_together=False):
        """Symbols (with their labels), then numbers arriving from their symbols, the result from the
        numbers, then the check; one caption per stage. Returns (what is on screen, the caption)."""
        symbols = VGroup(*[c.symbol for c in columns])
        labels = [c.label for c in columns if len(c.label)]
        p = self.pace
        note = recaption(scene, note, words[0], run_time=0.4 * p)
        scene.play(Write(symbols), *[Write(l) for l in labels], run_time=1.2 * p)
        if len(words) > 2:                        # the numbers get a caption of their own
            scene.wait(self.reading(words[0], 1.6 * p))
            note = recaption(scene, note, words[1], run_time=0.4 * p)
        arrivals = [arrive(c.symbol, c.number) for c in columns]
        scene.play(cascade(arrivals, lag_ratio=0.0 if terms_arrive_together else 0.25), run_time=1.6 * p)
        factors = [c.number for c in columns[2:] if c.number.get_tex_string() not in (r"\times",)]
        scene.play(arrive(factors, result), run_time=0.8 * p)
        scene.wait(self.reading(words[-2], 2.8 * p if len(words) > 2 else 4.0 * p))
        note = recaption(scene, note, words[-1], run_time=0.4 * p)
        scene.play(Write(check), point_at(result), run_time=1.2 * p)
        scene.wait(self.reading(words[-1], 1.6 * p))
        return [symbols, *labels, *[c.number for c in columns], result, check], note

    def reading(self, words: str, shown: float = 0.0) -> float:
        """The wait that leaves ``words`` on screen long enough to read at about 3 words a second (at
        least 1.5 s, times ``pace``) when they have been up ``shown`` seconds already; at least 0.3 s."""
        return max(max(len(words.split()) / 3.0, 1.5) * self.pace - shown, 0.3 * self.pace)


class ChainRule(GdvizScene):
    """Standalone: the chain rule for one weight, bias and activation of the running '2'."""

    def construct(self):
        self.part = ChainRuleInSymbols(early_example(video_run()))
        self.part.play(self)
