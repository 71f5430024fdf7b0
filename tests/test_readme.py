"""The README stays true: its quick start, and every command documented and existing."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands_in_help() -> set[str]:
    result = run_cli("--help")
    section = result.stdout.split("Commands:", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.strip()}


def test_quick_start_is_the_two_make_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("    ")]
    assert commands == ["make build", "make test"]


def test_every_command_is_documented_and_every_documented_command_exists():
    documented = set(re.findall(r"`ka2docs ([a-z][a-z-]*)", README))
    existing = commands_in_help()
    assert existing <= documented, f"undocumented: {existing - documented}"
    assert documented <= existing, f"documented but missing: {documented - existing}"


def test_make_targets_named_in_the_readme_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in set(re.findall(r"make ([a-z]+)", README)):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
