"""Shared fixtures: the bundled gazette parsed once, knowledge bases in real SQLite files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.base import BUNDLED_NOTICES, KnowledgeBase
from knowledge.parse import parse_gazette

ROOT = Path(__file__).parent.parent
GAZETTE = BUNDLED_NOTICES / "huangshi-gazette-2022-10.txt"
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="session")
def gazette():
    """The bundled gazette's notices, keyed by the number in their 文号 (22, 57, 58, 59, 60)."""
    notices = parse_gazette(GAZETTE.read_text(encoding="utf-8"), GAZETTE.name)
    return {int(n.doc_no.split("〕")[1].rstrip("号")): n for n in notices}


@pytest.fixture(scope="session")
def kb(tmp_path_factory):
    """A knowledge base built from the bundled gazette into a real SQLite file."""
    return KnowledgeBase(tmp_path_factory.mktemp("kb") / "knowledge.db")


@pytest.fixture
def knowledge_dir(tmp_path):
    """A writable copy of the bundled notices."""
    target = tmp_path / "notices"
    shutil.copytree(BUNDLED_NOTICES, target)
    return target
