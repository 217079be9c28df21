"""The `gdviz` console command (scenes/cli.py): every verb reaches its module, errors are one line and
exit code 2, and pip installs it."""
from importlib.metadata import entry_points

import pytest

from scenes.catalog import CATALOG
from scenes.cli import main


def test_pip_installs_the_command():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "gdviz"]
    assert script.value == "scenes.cli:main"


def test_without_a_verb_it_says_what_it_can_do(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    for verb in ("lecture", "list", "render", "gifs", "stills", "slides", "script", "train"):
        assert f"\n  {verb} " in err
    assert main(["--help"]) == 0 and "lecture" in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    (["bogus"], "unknown verb 'bogus'"),
    (["lecture", "--chapter", "4"], "argument --chapter: invalid choice"),
    (["stills", "--quality", "z"], "argument --quality/-q: invalid choice"),
    (["script", "--chapter", "9"], "argument --chapter: invalid choice"),
    (["train", "--eta", "nan"], "--eta"),
])
def test_bad_arguments_are_one_line_and_exit_2(argv, says, capsys):
    with pytest.raises(SystemExit) as stop:
        if main(argv) == 2:
            raise SystemExit(2)
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1
    assert "gdviz" in err


def test_list_names_every_scene_with_its_chapter_and_number(capsys):
    assert main(["list"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == len(CATALOG)
    assert [r.split()[3] for r in rows] == [e.scene for e in CATALOG]
    chapter3 = [r.split()[2] for r in rows if r.startswith("chapter 3") and "lecture" not in r]
    assert chapter3 == [str(n) for n in range(1, len(chapter3) + 1)]


def test_the_network_verbs_are_gdcore_s(capsys):
    assert main(["presets"]) == 0
    assert "video" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["stills", "--preset", "nope"], ["lecture", "--preset", "nope"],
                                  ["script", "--preset", "nope"], ["slides", "--preset", "nope"]])
def test_the_network_options_are_checked_before_anything_renders(argv, capsys, monkeypatch):
    monkeypatch.setenv("GDVIZ_PRESET", "video")          # restored after the test (the option sets it)
    monkeypatch.delenv("GDVIZ_NETWORK", raising=False)
    with pytest.raises(SystemExit) as stop:
        if main(argv) == 2:
            raise SystemExit(2)
    assert stop.value.code == 2
    assert "is 'nope': choose a preset from video" in capsys.readouterr().err
