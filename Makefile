# gdviz: the two commands of the README, and helpers. Every target bootstraps first (idempotent).
QUALITY ?= h
SLIDES_QUALITY ?= m
MANIM = .venv/bin/manim
GDVIZ = .venv/bin/gdviz

.PHONY: video backprop test bootstrap bench readme-image gifs stills slides script render-all gallery clean-cache

video: bootstrap        ## render the main lecture (scenes/descent.py) at 1080p60 into media/, parts in parallel
	$(GDVIZ) lecture --chapter 2 -q $(QUALITY)

backprop: bootstrap     ## render the chapter-3 lecture (scenes/backprop.py) the same way
	$(GDVIZ) lecture --chapter 3 -q $(QUALITY)

test: bootstrap         ## run the whole test suite (on every core)
	.venv/bin/python -m pytest -q -n auto

bootstrap:
	@./.ci/bootstrap

bench: bootstrap        ## speed benchmarks (print ratios measured side by side)
	.venv/bin/python bench/train_speed.py

render-all: bootstrap   ## every part and the lecture at QUALITY, in parallel -> gallery/videos-QUALITY/
	$(GDVIZ) render --all -q $(QUALITY)

gifs: bootstrap         ## every part as a looping GIF for slides -> gallery/gifs/
	$(GDVIZ) gifs

stills: bootstrap       ## the key frame of every part as PNG -> gallery/stills/
	$(GDVIZ) stills

slides: bootstrap       ## both lectures as slide decks: an offline HTML file + PDF each -> gallery/slides/
	$(GDVIZ) slides -q $(SLIDES_QUALITY)

script: bootstrap       ## each lecture's narration script (Markdown) -> gallery/script/
	$(GDVIZ) script

gallery: bootstrap      ## re-render the README gallery (assets/gallery/: a still of every part, a few GIFs)
	$(GDVIZ) stills -q l --out assets/gallery
	$(GDVIZ) gifs --width 640 --fps 10 --out assets/gallery BlankPixels NoiseImages TwoDimensionalDescent

readme-image: bootstrap ## re-render the README picture (assets/readme/weights.png)
	$(MANIM) -s -qm --media_dir media scenes/weights.py HiddenWeights
	mkdir -p assets/readme && cp media/images/weights/HiddenWeights_ManimCE_v*.png assets/readme/weights.png

clean-cache:            ## forget trained runs, decoded data and rendered lecture parts (rebuilt on demand)
	rm -rf "$${GDCORE_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/gdcore}" media/parts
