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


TINY_NOTICE = """江城市人民政府办公室关于印发江城市便民服务提升方案的通知
江政办发〔2023〕14号
各区人民政府，市政府各部门：
现将《江城市便民服务提升方案》印发给你们，请认真贯彻执行。
一、重点任务
1.延长图书馆开放时间。市图书馆周末和节假日开放至晚上九点，增设自助借还书机，读者可凭电子社保卡借书。（牵头单位：市文化局；责任单位：各区人民政府）
2.增设公交夜班线路。开通四条夜班公交线路，覆盖主要居民区和火车站。（牵头单位：市交通局；责任单位：市公交集团）
3.推广电子社保卡。居民凭电子社保卡可在全市医院挂号、缴费和查询医保余额。（牵头单位：市人社局；责任单位：市医保局）
江城市人民政府办公室
2023年3月1日
"""


# A second small notice, for the web console's upload and reload.
HEATING_NOTICE = """江城市人民政府办公室关于做好冬季供暖工作的通知
江政办发〔2023〕20号
各区人民政府，市政府各部门：
一、工作措施
1.保障居民供暖温度。供暖期内居民室温不低于18摄氏度，供热企业开通24小时报修电话。（牵头单位：市城管委；责任单位：市热力公司）
江城市人民政府办公室
2023年10月8日
"""


@pytest.fixture
def tiny_dir(tmp_path):
    """A knowledge directory of one small notice of our own: transports are tested on it, so that an
    edit of the bundled notices or the lexicon cannot break a channel's test."""
    target = tmp_path / "tiny"
    target.mkdir()
    (target / "jiangcheng-2023-14.txt").write_text(TINY_NOTICE, encoding="utf-8")
    return target


@pytest.fixture
def tiny_kb(tmp_path, tiny_dir):
    return KnowledgeBase(tmp_path / "tiny.db", tiny_dir)


def expansions(answer) -> dict[str, list[str]]:
    """What each word of the question stood for, as the answer's evidence records it."""
    return {c.surface: [t for t, _ in c.terms] for c in answer.evidence.concepts}
