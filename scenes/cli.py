"""``gdviz``: one front door to everything a teacher does with gdviz (installed by ``pip install -e .``).

    gdviz lecture [--chapter 2|3] [-q l|m|h] [--parts 1-3] [--jobs N]   # a lecture video, parts in parallel
    gdviz list                                                      # every scene, numbered, with its title
    gdviz render|gifs|stills|slides|script ...                      # the exports (python -m scenes.export)
    gdviz train|presets|data|landscape ...                          # the network (python -m gdcore)

Each verb is the module it names, with that module's options (``gdviz VERB --help``); progress goes
to stderr; a bad argument or setting is one line and exit code 2.
"""
from __future__ import annotations

import sys

EXPORTS = {"render": "scenes as videos (MP4, GIF frames, ...) in parallel", "gifs": "every part as a looping GIF",
           "stills": "the key frame of every part as PNG", "slides": "the lectures' slide decks (HTML + PDF)",
           "script": "each lecture's narration script (Markdown)"}
NETWORK = {"train": "train a preset or a config (or load it from the cache)", "presets": "the named presets",
           "data": "check the MNIST files", "landscape": "the real cost on a plane through a run"}


def usage() -> str:
    rows = [("lecture", "render a lecture (scenes.build): one process per part, joined, cached"),
            ("list", "every scene: number, chapter, name, title"), *EXPORTS.items(), *NETWORK.items()]
    return "\n".join(["usage: gdviz VERB [options]   (gdviz VERB --help for its options)", "",
                      *(f"  {verb:10s} {what}" for verb, what in rows)])


def list_scenes() -> int:
    from scenes.catalog import CATALOG

    numbers = {}
    for entry in CATALOG:
        numbers[entry.chapter] = numbers.get(entry.chapter, 0) + 1
        kind = "lecture" if entry.lecture else f"{numbers[entry.chapter]:2d}"
        print(f"chapter {entry.chapter}  {kind:>7s}  {entry.scene:26s} {entry.title}")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    verb, rest = (argv[0], argv[1:]) if argv else (None, [])
    if verb in (None, "-h", "--help", "help"):
        print(usage(), file=sys.stdout if verb else sys.stderr)
        return 0 if verb else 2
    if verb == "lecture":
        from scenes.build import main as build
        return build(rest, prog="gdviz lecture")
    if verb == "list":
        return list_scenes()
    if verb in EXPORTS:
        from scenes.export import main as export
        return export(argv, prog="gdviz")
    if verb in NETWORK:
        from gdcore.cli import main as network
        return network(argv, prog="gdviz")
    print(f"error: unknown verb {verb!r}; choose from lecture, list, {', '.join([*EXPORTS, *NETWORK])} "
          "(see gdviz --help)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
