"""The teacher's settings: every bad value ends in one line naming it, before anything is trained."""
import subprocess
import sys
from pathlib import Path

import pytest

from scenes import settings

ROOT = Path(__file__).resolve().parent.parent

# (environment, the message's gist): each is checked through settings and through the real commands.
BAD = [
    ({"GDVIZ_THEME": "purple"}, "GDVIZ_THEME is 'purple': the theme is one of dark, light"),
    ({"GDVIZ_SEED": "abc"}, "GDVIZ_SEED is 'abc': the seed is a whole number"),
    ({"GDVIZ_SEED": "-1"}, "GDVIZ_SEED is '-1'"),
    ({"GDVIZ_SEED": "1.5"}, "GDVIZ_SEED is '1.5'"),
    ({"GDVIZ_SEED": "4294967296"}, "from 0 to 4294967295"),
    ({"GDVIZ_SEED": "٣"}, "GDVIZ_SEED is '٣'"),                       # a digit, but not 0-9
    ({"GDVIZ_PARTS": "99"}, "asks for part 99, but the parts are numbered 1 to"),
    ({"GDVIZ_PARTS": "0"}, "asks for part 0"),
    ({"GDVIZ_PARTS": "1-"}, "'1-' is not a list of numbers and ranges like 1-3,8"),
    ({"GDVIZ_PARTS": "3-1"}, "has the range '3-1' backwards: write 1-3"),
    ({"GDVIZ_PARTS": "1,,3"}, "is not a list of numbers and ranges"),
    ({"GDVIZ_PARTS": "two"}, "is not a list of numbers and ranges"),
]


def read_all():
    settings.theme(), settings.seed(), settings.parts(12)


@pytest.mark.parametrize("env, message", BAD, ids=[next(iter(e.values())) for e, _ in BAD])
def test_a_bad_setting_names_itself(env, message, monkeypatch):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(settings.SettingError) as info:
        read_all()
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_bad_setting_in_manim_cfg(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in ("GDVIZ_THEME", "GDVIZ_SEED", "GDVIZ_PARTS"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "manim.cfg").write_text("[gdviz]\ntheme = sepia\n")
    with pytest.raises(settings.SettingError, match="theme in manim.cfg \\[gdviz\\] is 'sepia'"):
        settings.theme()
    (tmp_path / "manim.cfg").write_text("[gdviz\ntheme = light\n")
    with pytest.raises(settings.SettingError, match="manim.cfg cannot be read"):
        settings.theme()
    (tmp_path / "manim.cfg").write_text("[gdviz]\ntheme = light\nseed = 7\nparts = 2-3, 5\n")
    assert (settings.theme(), settings.seed(), settings.parts(12)) == ("light", 7, [2, 3, 5])


def test_good_settings():
    assert settings.parts(12, "") == list(range(1, 13))
    assert settings.parts(12, " 1-3 , 8") == [1, 2, 3, 8]


def one_line_exit(cmd, env) -> str:
    """Run ``cmd``; it must exit 2 with exactly one stderr line starting 'error:' (and no traceback)."""
    import os
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error:"), result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


@pytest.mark.parametrize("env, message", [BAD[0], BAD[1], BAD[6], BAD[8]], ids=["theme", "seed", "parts", "range"])
def test_manim_stops_in_one_line_before_loading_any_run(env, message, tmp_path):
    """The real command, on an empty cache: it stops at once, one line, exit 2, nothing trained."""
    cache = tmp_path / "cache"
    line = one_line_exit([sys.executable, "-m", "manim", "render", "-ql", "--dry_run", "--media_dir", str(tmp_path),
                          "scenes/descent.py"], {**env, "GDCORE_CACHE": str(cache)})
    assert message in line
    assert not cache.exists() or not any(cache.iterdir()), "something was loaded or trained"


def test_the_export_commands_check_settings_first():
    assert "backwards" in one_line_exit([sys.executable, "-m", "scenes.export", "slides", "--parts", "3-1"], {})
    assert "GDVIZ_THEME" in one_line_exit([sys.executable, "-m", "scenes.export", "gifs", "NoiseImages"],
                                          {"GDVIZ_THEME": "purple"})


# --- the lectures' network: a preset, or the teacher's own network file -------------------------------
NETWORK_FILES = [
    ('sizes = "784,16,x,10"\n', "sizes are whole numbers like 784,30,10"),
    ("sizes = [784, 16, 16, 10]\nbatchsize = 3\n", "unknown setting 'batchsize'"),
    ("eta = -1\n", "eta (learning rate) must be greater than 0, got -1"),
    ("preset = 'nope'\n", "unknown preset 'nope'"),
    ("sizes = [784, 16, 16,\n", "is not valid TOML"),
    ("activation = 'tanh'\n", "activation"),
    ("sizes = [784, 10]\n", "has no hidden layer (784-10): the lectures are about what hidden layers learn"),
]


@pytest.mark.parametrize("content, message", NETWORK_FILES, ids=[m.split(":")[0][:24] for _, m in NETWORK_FILES])
def test_a_bad_network_file_is_named_and_said_what_is_wrong(content, message, tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text(content)
    monkeypatch.setenv("GDVIZ_NETWORK", str(path))
    with pytest.raises(settings.SettingError) as error:
        settings.lecture_run_config()
    assert message in str(error.value) and len(str(error.value).splitlines()) == 1


def test_the_lectures_read_the_chosen_network(tmp_path, monkeypatch):
    from gdcore.presets import preset

    assert settings.lecture_run_config() == (preset("video").validate(), "video")
    path = tmp_path / "mine.toml"
    path.write_text('sizes = "784,20,12,10"\nactivation = "relu"\ninit = "he"\n'
                    'batch-size = "full"\nsteps = 50\n')
    monkeypatch.setenv("GDVIZ_NETWORK", str(path))
    config, name = settings.lecture_run_config()
    assert name == str(path) and config.sizes == (784, 20, 12, 10) and config.batch_size is None
    assert (config.steps, config.epochs, config.eta) == (50, None, preset("video").eta)   # the rest from 'video'
    path.write_text(path.read_text() + 'cost = "cross_entropy"\n')      # any cost: the parts caption their network's
    assert settings.lecture_run_config()[0].cost == "cross_entropy"
    monkeypatch.setenv("GDVIZ_PRESET", "tweaked")
    with pytest.raises(settings.SettingError, match="choose one"):
        settings.lecture_run_config()
    monkeypatch.delenv("GDVIZ_NETWORK")
    assert settings.lecture_run_config() == (preset("tweaked").validate(), "tweaked")   # one hidden layer will do
    path.write_text('sizes = "784,10"\n')
    monkeypatch.setenv("GDVIZ_NETWORK", str(path))
    monkeypatch.delenv("GDVIZ_PRESET")
    with pytest.raises(settings.SettingError, match="has no hidden layer"):
        settings.lecture_run_config()


def test_a_part_rendered_for_another_network_is_cached_apart(monkeypatch):
    from scenes import build

    video = build.part_key(3, 2, "wishlist", "l")
    monkeypatch.setenv("GDVIZ_PRESET", "full-batch")
    assert build.part_key(3, 2, "wishlist", "l") != video


def test_manim_and_the_exports_stop_on_a_bad_network_before_training(tmp_path):
    cache = tmp_path / "cache"
    env = {"GDVIZ_PRESET": "nope", "GDCORE_CACHE": str(cache)}
    for cmd in ([sys.executable, "-m", "manim", "render", "-ql", "--dry_run", "--media_dir", str(tmp_path),
                 "scenes/backprop.py"], [sys.executable, "-m", "scenes.export", "stills", "Recap"]):
        assert "GDVIZ_PRESET is 'nope': choose a preset from video" in one_line_exit(cmd, env)
    assert not cache.exists() or not any(cache.iterdir())
