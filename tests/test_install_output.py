"""The install prints what matters: no packaging deprecation banner, no npm upgrade notice."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_license_is_an_spdx_string_that_setuptools_reads_without_a_warning() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"  # a table prints a deprecation banner
    (setuptools,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
    minimum = re.fullmatch(r"setuptools>=(\d+)", setuptools)
    assert minimum and int(minimum.group(1)) >= 77  # the first to read SPDX strings (PEP 639)


def test_npm_in_the_ui_folder_prints_no_upgrade_notice() -> None:
    settings = (ROOT / "ui" / ".npmrc").read_text().splitlines()
    assert "update-notifier=false" in settings
