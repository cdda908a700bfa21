"""The strict build: it passes, every page exists in every language, a missing translation fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from reportdesk.core.texts import LANGUAGES
from site_pages import CONFIG, PAGES, ROOT, config_languages, mkdocs_build, page_path


def test_strict_build_passes(build: subprocess.CompletedProcess[str]) -> None:
    assert build.returncode == 0, build.stderr


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", PAGES)
def test_every_page_is_built_in_every_language(site: Path, stem: str, language: str) -> None:
    assert page_path(site, stem, language).is_file()


def test_every_page_has_a_source_file_in_every_language() -> None:
    stems = {path.name.split(".")[0] for path in (ROOT / "docs").glob("*.md")}
    assert stems == set(PAGES)
    for stem in PAGES:
        for language in LANGUAGES:
            assert (ROOT / "docs" / f"{stem}.{language}.md").is_file(), f"{stem}.{language}.md"


def test_mkdocs_languages_are_the_declared_languages() -> None:
    assert config_languages() == list(LANGUAGES)


def test_a_missing_translation_fails_the_strict_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("docs", "site_overrides"):
        shutil.copytree(ROOT / folder, project / folder)
    # Hooks named in mkdocs.yml are paths relative to it; the copy must find them too.
    for hook in CONFIG.get("hooks", []):
        (project / hook).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / hook, project / hook)
    (project / "docs" / "who.fr.md").unlink()

    result = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")

    assert result.returncode != 0
    assert "'who.md'" in result.stderr, result.stderr
