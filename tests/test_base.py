"""The live knowledge base: reloads swap atomically, fail safely and pick up lexicon edits."""

import os
import shutil
import threading

import pytest

from knowledge.base import KnowledgeBase
from knowledge.lexicon import BUNDLED, LexiconError, load_lexicon
from knowledge.store import BuildError
from tests.conftest import SAMPLES


@pytest.fixture
def live(tmp_path, knowledge_dir):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(BUNDLED, lexicon)
    return KnowledgeBase(tmp_path / "kb.db", knowledge_dir, lexicon)


def test_questions_during_a_reload_are_all_answered(live):
    answers, errors = [], []

    def ask_many():
        try:
            for _ in range(40):
                answers.append(live.ask("失业金怎么领"))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    askers = [threading.Thread(target=ask_many) for _ in range(4)]
    for t in askers:
        t.start()
    live.reload()
    for t in askers:
        t.join()
    assert not errors and len(answers) == 160
    assert all(a.answered and a.hits[0].clause.title == "优化失业保险金发放领取程序" for a in answers)


def test_a_failed_reload_keeps_the_live_index_and_file(live, knowledge_dir):
    index, before = live.index, live.db_path.read_bytes()
    (knowledge_dir / "noise.pdf").write_bytes(os.urandom(3000))
    with pytest.raises(BuildError) as error:
        live.reload()
    assert "noise.pdf" in str(error.value)
    assert live.index is index and live.db_path.read_bytes() == before
    assert live.ask("楼下广场舞太吵了").hits[0].clause.title == "着力解决噪声污染问题"


def test_a_flattened_notice_from_another_city_loads_and_answers(live, knowledge_dir):
    shutil.copy(SAMPLES / "flattened-notice.txt", knowledge_dir)
    report = live.reload()
    assert report.added[-1] == "江政办发〔2023〕14号"  # after the start-up build's notices, not reported before
    hit = live.ask("小微企业招了应届大学生有补贴吗").hits[0]
    assert hit.notice.doc_no == "江政办发〔2023〕14号" and hit.clause.title == "发放一次性吸纳就业补贴"
    assert hit.clause.lead_units == ("市人社局",) and hit.clause.responsible_units == ("市财政局",)  # 列首位 … 下同


def test_lexicon_edits_take_effect_on_reload(live):
    question = "隔壁麻将馆打到半夜"  # not answerable until the lexicon says what it is about
    assert not live.ask(question).answered
    with open(live.lexicon_dir / "synonyms.txt", "a", encoding="utf-8") as f:
        f.write("\n麻将馆 棋牌室 => 社会生活噪声 噪声 扰民\n")
    live.reload()
    assert live.ask(question).hits[0].clause.title == "着力解决噪声污染问题"


def test_a_malformed_lexicon_line_is_reported_with_file_and_line(live):
    path = live.lexicon_dir / "synonyms.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + ["这一行没有箭头"]) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError) as error:
        live.reload()
    assert f"synonyms.txt:{len(lines) + 1}" in str(error.value)
    assert live.ask("失业金怎么领").answered  # the old index still serves


def test_bundled_lexicon_loads_cleanly():
    lexicon = load_lexicon()
    assert lexicon.synonyms and lexicon.stopwords and lexicon.generic and lexicon.topics


def test_a_running_bot_picks_up_a_rebuild_by_another_process(live, knowledge_dir):
    other = KnowledgeBase(live.db_path, knowledge_dir, live.lexicon_dir)  # as `python -m bot reload` would
    shutil.copy(SAMPLES / "flattened-notice.txt", knowledge_dir)
    other.reload()
    assert not live.ask("以工代训有什么补贴").answered
    assert live.refresh() and not live.refresh()
    assert live.ask("以工代训有什么补贴").hits[0].notice.doc_no == "江政办发〔2023〕14号"


def test_a_database_built_from_another_directory_is_rebuilt(tmp_path, knowledge_dir):
    KnowledgeBase(tmp_path / "kb.db")  # the bundled gazette
    only_sample = tmp_path / "sample"
    only_sample.mkdir()
    shutil.copy(SAMPLES / "flattened-notice.txt", only_sample)
    kb = KnowledgeBase(tmp_path / "kb.db", only_sample)
    assert [n.doc_no for n in kb.index.notices] == ["江政办发〔2023〕14号"]
