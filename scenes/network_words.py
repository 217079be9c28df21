"""Words (and a formula or two) that describe the lectures' network, computed from its settings, so that
every caption that names the network follows the network a teacher chose (issue 14).

Small pure functions of a run's ``config`` (a gdcore RunConfig: sizes, activation, cost, eta,
batch_size, epochs, momentum...) or of its layer ``sizes`` alone. No manim, no run loading.

    shape((784, 30, 10))                  # '784-30-10'
    hidden_layers((784, 30, 10))          # 'one hidden layer of 30 neurons'
    hidden_count((784, 16, 16, 10))       # 'two hidden layers'
    layer_name(2, (784, 16, 16, 10))      # 'hidden layer 2' (0: 'the input layer', last: 'the output layer')
    activation_name("relu")               # 'ReLU'
    cost_name("cross_entropy")            # 'cross-entropy'
    output_kind("cross_entropy")          # 'softmax'
    cost_formula_tex("quadratic")         # 'C = \\sum_{j=0}^{9} (a_j - y_j)^2' (the cost of one example)
    cost_term_tex("cross_entropy")        # '-y_j \\log a_j' (one output's term of that sum)
    cost_in_words("cross_entropy")        # 'minus the log of the output for the right digit'
    parameter_count((784, 30, 10))        # 23860
    count(23860)                          # '23,860'
    describe(config)                      # '784-30-10, sigmoid, quadratic cost'
    run_label(config)                     # "the 'book' run" (a preset's own settings), else 'the 784-30-10 run'
    training(config)                      # 'η = 1.5, mini-batches of 10, 30 epochs'
    drawn_note((784, 256, 10))            # 'the layer of 256 neurons: 16 of them drawn, ⋮ for the rest'
"""
from __future__ import annotations

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ACTIVATION_NAMES = {"sigmoid": "sigmoid", "relu": "ReLU"}
COST_NAMES = {"quadratic": "quadratic", "cross_entropy": "cross-entropy"}
MAX_SHOWN = 16      # a diagram draws at most this many neurons of a layer (visuals.NetworkDiagram)


def number_word(n: int) -> str:
    """3 -> 'three' (up to ten), else the digits with a thousands separator."""
    n = int(n)
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else count(n)


def count(n: int) -> str:
    """12345 -> '12,345'."""
    return f"{int(n):,}"


def shape(sizes) -> str:
    """(784, 16, 16, 10) -> '784-16-16-10'."""
    return "-".join(str(int(s)) for s in sizes)


def hidden_sizes(sizes) -> list[int]:
    """The sizes of the hidden layers (all but the first and the last)."""
    return [int(s) for s in list(sizes)[1:-1]]


def hidden_count(sizes) -> str:
    """'one hidden layer', 'two hidden layers', ..."""
    n = len(hidden_sizes(sizes))
    return f"{number_word(n)} hidden layer{'' if n == 1 else 's'}"


def hidden_layers(sizes) -> str:
    """'one hidden layer of 30 neurons', 'two hidden layers of 16 neurons',
    'three hidden layers of 128, 64 and 32 neurons'."""
    hidden = hidden_sizes(sizes)
    if len(set(hidden)) <= 1:
        return f"{hidden_count(sizes)} of {count(hidden[0]) if hidden else 0} neurons"
    listed = ", ".join(count(h) for h in hidden[:-1]) + f" and {count(hidden[-1])}"
    return f"{hidden_count(sizes)} of {listed} neurons"


def layer_name(layer: int, sizes) -> str:
    """Layer ``layer`` (0 = the pixels) in words: 'the input layer', 'hidden layer 1' (or 'the hidden
    layer' when there is only one), 'the output layer'."""
    last = len(sizes) - 1
    if layer == 0:
        return "the input layer"
    if layer == last:
        return "the output layer"
    return "the hidden layer" if last == 2 else f"hidden layer {layer}"


def activation_name(activation: str) -> str:
    """'sigmoid' -> 'sigmoid', 'relu' -> 'ReLU' (the hidden layers' activation function)."""
    return ACTIVATION_NAMES.get(activation, activation)


def cost_name(cost: str) -> str:
    """'quadratic' -> 'quadratic', 'cross_entropy' -> 'cross-entropy'."""
    return COST_NAMES.get(cost, cost.replace("_", "-"))


def output_kind(cost: str) -> str:
    """The output layer's function in gdcore: 'softmax' with the cross-entropy cost, else 'sigmoid'."""
    return "softmax" if cost == "cross_entropy" else "sigmoid"


def cost_formula_tex(cost: str, outputs: int = 10) -> str:
    """The cost of one example as gdcore computes it, in LaTeX, as a sum over the outputs j: of the
    squared differences (the video's cost, no 1/2) or of -y_j log a_j (softmax outputs; y one-hot, so
    only the right digit's term is not 0: C = -log a_y)."""
    if cost == "cross_entropy":
        return rf"C = -\sum_{{j=0}}^{{{int(outputs) - 1}}} y_j \log a_j"
    return rf"C = \sum_{{j=0}}^{{{int(outputs) - 1}}} (a_j - y_j)^2"


def cost_term_tex(cost: str) -> str:
    """One output's term of the cost of one example, in LaTeX."""
    return r"-y_j \log a_j" if cost == "cross_entropy" else "(a_j - y_j)^2"


def cost_term_name(cost: str) -> str:
    """One output's term in words: 'squared difference' or 'cost term'."""
    return "cost term" if cost == "cross_entropy" else "squared difference"


def cost_in_words(cost: str) -> str:
    """What the cost of one example is, in words (for a caption)."""
    if cost == "cross_entropy":
        return "minus the log of the output for the right digit"
    return "the sum of the squared differences between outputs and targets"


def parameter_count(sizes) -> int:
    """How many weights and biases a network of layer ``sizes`` has (13,002 for 784-16-16-10)."""
    sizes = [int(s) for s in sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def describe(config) -> str:
    """'784-16-16-10, sigmoid, quadratic cost' (softmax outputs named when the cost is cross-entropy)."""
    outputs = ", softmax outputs" if config.cost == "cross_entropy" else ""
    return f"{shape(config.sizes)}, {activation_name(config.activation)}{outputs}, {cost_name(config.cost)} cost"


def run_label(config) -> str:
    """"the 'video' run" when ``config`` is a preset's own settings (validated), else 'the 784-30-10 run'."""
    from gdcore.presets import PRESETS, preset

    mine = config.validate().to_dict()      # one spelling (a loaded run's sizes are a list)
    for name in PRESETS:
        if preset(name).validate().to_dict() == mine:
            return f"the '{name}' run"
    return f"the {shape(config.sizes)} run"


def training(config) -> str:
    """How the network was trained: 'η = 1.5, mini-batches of 10, 30 epochs' (with momentum if any)."""
    batch = "full batch" if config.batch_size is None else f"mini-batches of {config.batch_size}"
    length = (f"{config.epochs:g} epoch{'' if config.epochs == 1 else 's'}" if config.epochs is not None
              else f"{count(config.steps)} steps")
    momentum = f", momentum {config.momentum:g}" if config.momentum else ""
    return f"η = {config.eta:g}, {batch}{momentum}, {length}"


def cut_layers(sizes, max_shown: int = MAX_SHOWN) -> list[int]:
    """The layers (1.., past the pixels) with more neurons than a diagram draws."""
    return [l for l, n in enumerate(sizes) if l > 0 and int(n) > max_shown]


def drawn_note(sizes, max_shown: int = MAX_SHOWN) -> str:
    """What a diagram leaves out of the layers past the pixels, in words ('' if it draws every neuron):
    'the layer of 256 neurons: 16 of them drawn, ⋮ for the rest'."""
    cut = cut_layers(sizes, max_shown)
    if not cut:
        return ""
    listed = " and ".join(count(sizes[l]) for l in cut)
    layers = "layer" if len(cut) == 1 else "layers"
    return f"the {layers} of {listed} neurons: {max_shown} of {'them' if len(cut) == 1 else 'each'} drawn, ⋮ for the rest"
