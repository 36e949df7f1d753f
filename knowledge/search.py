"""`Index` over clauses: jieba words, BM25F-style field scores, synonyms and typo repair → Hits.

A question becomes *concepts*: each content word of the question, or an everyday phrase from the
synonym map standing for official terms (plus near spellings, homophones and 词林 synonyms). A
concept is matched by a clause when any of its terms occurs in it; `support` weighs how central the
matched concepts are to the clause against the concepts the notices do not know at all.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.catalog import Catalog
from knowledge.expand import Expander
from knowledge.lexicon import Lexicon
from knowledge.model import Clause, Concept, Hit, Notice, Support
from knowledge.normalize import normalize
from knowledge.thesaurus import synonym_sets
from knowledge.tokens import Tokenizer
from knowledge.wordindex import FIELDS, ClauseWords, PerClause, StoredWords

FIELD_WEIGHTS = {"title": 3.0, "section": 1.0, "text": 1.0, "units": 1.5, "notice": 0.6}
K1, B = 1.2, 0.75
SYNONYM_WEIGHT = 0.9  # an official term added for an everyday phrase
GAPPED_FACTOR = 0.8  # the phrase was found with other characters in between
TYPO_WEIGHT = 0.7  # a term guessed from a homophone or a near spelling
SHORT_FORM_WEIGHT = 0.6  # a longer term of the notices that a short form stands for (公厕 → 公共厕所)
PART_WEIGHT = 0.5  # a known part of an unknown long word
KNOWN_PARTS_MIN = 4  # characters of a known word whose parts also count (双减政策 → 双减)
KNOWN_PARTS_DF = 3  # … when at most this many clauses use the word itself
KNOWN_PART_WEIGHT = 0.7
LEXICON_PART_WEIGHT = 0.6  # a term of the synonym entries whose phrases hold an unknown word (放学 in 放学早)
MIN_PART_RARITY = 0.8  # only unusual words: 附近 or 别的 inside a listed phrase says nothing of its topic
THESAURUS_WEIGHT = 0.6  # a general synonym (词林) of a word the notices do not use
MISSING_FACTOR = 0.5  # a known concept the clause lacks counts half against it
SERVICE_TOPICALITY = 2.0  # an unknown public-service topic (topics.txt) all but rules an answer out
NOUN_TOPICALITY = 0.5  # how much an unknown noun suggests another topic
OTHER_WORD = 0.3  # and an unknown word of another kind
PASSING = 0.4  # evidence of a term mentioned once in a clause's text, not in its heading
GENERIC_WEIGHT = 0.25  # 服务, 提升…: they rank, they do not count as evidence
SHOWN_WEIGHT = 0.4  # a matched term at least this weighty is shown in bold and picks the sentences
SINGLE_CHAR_WEIGHT = 0.3
SHORT_QUESTION = 12  # characters; short questions get fuzzy matching against headings
HEADING_BONUS = 2.0
PLACE_BOOST = 2.0  # a question naming the issuing city or province
FUZZY_CANDIDATES = 200  # best-scored clauses whose headings a short question is fuzzily matched against
UNION_BY_SCAN = 32  # postings above 1/32 of the clauses are merged by a scan of the clauses, not a sort
CJK = re.compile(r"[\u3400-\u9fff]")
SENTENCE_END = re.compile(r"(?<=[。；！？])")
ABSENT, KNOWN, UNKNOWN = "absent", "known", "unknown"  # a question's concept, as clauses are weighed against it


@dataclass(frozen=True)
class Query:
    text: str
    concepts: tuple[Concept, ...]
    terms: dict = field(default_factory=dict)  # term → weight


class Index:
    """All clauses of a knowledge base, ready to rank against a question."""

    def __init__(self, notices: list[Notice], lexicon: Lexicon, stored: StoredWords | None = None,
                 tokenizer: Tokenizer | None = None):
        """With `stored` (words made by the build, see wordindex.py), nothing is tokenised here; with
        `tokenizer` (the build's, for these words and lexicon), jieba's dictionary is not read again."""
        self.notices = notices
        self.lexicon = lexicon
        self.tokenizer = tokenizer or Tokenizer(notices, lexicon, stored.key_terms if stored else None)
        self.entries: list[tuple[Clause, Notice]] = [(c, n) for n in notices for c in n.clauses]
        self._position = {id(c): i for i, (c, _) in enumerate(self.entries)}
        self._words_cache: dict[str, list[str]] = {}
        self._members: dict[int, range] = {}
        for i, (_, n) in enumerate(self.entries):  # a notice's clauses are consecutive entries
            self._members[id(n)] = range(self._members.get(id(n), range(i, i)).start, i + 1)
        self._notice_of = np.repeat(np.arange(len(notices), dtype=np.int32), [len(n.clauses) for n in notices])
        self._notice_places = [notice_places(n) for n in notices]
        self._by_place: dict[str, list[int]] = {}
        for i, places in enumerate(self._notice_places):
            for place in places:
                self._by_place.setdefault(place, []).append(i)
        self._longest_place = max(map(len, self._by_place), default=0)
        self._place_starts = frozenset(place[0] for place in self._by_place)
        self._place_masks: dict[frozenset[str], np.ndarray] = {}  # the notices a question's places name
        self._masks: dict[int, tuple[frozenset, np.ndarray]] = {}  # scopes as masks, by identity
        self._scratch = threading.local()  # each thread's own working arrays (see term_frequencies)
        # A term's frequencies once worked out: at most one entry per posting of the knowledge base (a
        # word no clause holds is not kept), however many questions come.
        self._frequency_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.words = stored.words if stored else ClauseWords.from_words([self._fields(c, n) for c, n in self.entries])
        self._build_postings()
        self.doc_terms = PerClause(self.words.terms, len(self.entries))  # clause number → its words, made on demand
        sounds = stored.sounds if stored else None
        titles = self.words.title_words() if sounds is None else set()
        self.expander = Expander(lexicon, sorted(self.df), self.tokenizer.key_terms | titles, self._is_word, sounds)
        self._titles = np.array([c.title for c, _ in self.entries], dtype=object)  # picked by clause numbers
        self.catalog = Catalog(notices, self.topic_word, stored.catalog if stored else None)

    def stored_words(self, fingerprint: str) -> StoredWords:
        """What this Index made with the tokenizer, for the build to store."""
        return StoredWords(self.words, sorted(self.tokenizer.knowledge_terms), self.catalog.parts(),
                           dict(self.expander.sounds), fingerprint)

    # --- building ---------------------------------------------------------------------------

    def _fields(self, clause: Clause, notice: Notice) -> dict[str, list[str]]:
        words = self._sentence_words
        shared = self._shared_words  # sections, unit lists and notice titles repeat across clauses
        return {
            "title": words(clause.title),
            "section": shared(clause.section),
            "text": words(clause.text),
            "units": shared(" ".join(clause.units)),
            # Who issued it and its full title: 「遂宁市对…有何政策」 names the notice by its city.
            "notice": shared(f"{notice.issuer} {notice.title} {notice.doc_no}"),
        }

    def _shared_words(self, text: str) -> list[str]:
        if text not in self._words_cache:
            self._words_cache[text] = self.tokenizer.words(text)
        return self._words_cache[text]

    def _sentence_words(self, text: str) -> list[str]:
        """The words of a text, sentence by sentence: notices repeat sentences (boilerplate, a policy
        copied from the province's), and each is cut once. jieba never joins words across 。；！？, so
        the words are the same as the whole text's."""
        return [w for sentence in SENTENCE_END.split(text) if sentence for w in self._shared_words(sentence)]

    def _build_postings(self) -> None:
        """BM25F's length norms per clause and field, from the stored word counts (no per-word work)."""
        n = max(len(self.entries), 1)
        lengths = self.words.lengths
        self._norms = []
        for f, _ in enumerate(FIELDS):
            avg = int(lengths[:, f].sum()) / n or 1.0
            self._norms.append(1 - B + B * lengths[:, f] / avg)
        self.df = self.words.df
        self.max_idf = math.log(1 + (len(self.entries) + 0.5) / 0.5)

    def term_frequencies(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(clauses holding the term, in order and each once; its field-weighted, length-normed frequency
        in each): work in proportion to its postings, done once a term (工作, 推进: thousands of clauses
        at scale)."""
        kept = self._frequency_cache.get(term)
        if kept is not None:
            return kept
        found = self._frequencies(term)
        if len(found[0]):
            self._frequency_cache[term] = found
        return found

    def _frequencies(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        found = self.words.field_counts(term)
        if not found:
            return np.empty(0, dtype=np.int32), np.empty(0)
        parts = [(docs, FIELD_WEIGHTS[name] * counts / norms[docs])
                 for (docs, counts), name, norms in zip(found, FIELDS, self._norms, strict=True) if len(docs)]
        if len(parts) == 1:
            return parts[0]
        # Summed field by field, as BM25F does, in a zeroed array as long as the clauses (this thread's
        # own), left zeroed again: no sorting or searching of the postings.
        summed = self._summing_array()
        for field_docs, values in parts:  # a field's postings name each clause once, in order
            summed[field_docs] += values
        if sum(len(docs) for docs, _ in parts) * UNION_BY_SCAN < len(self.entries):
            docs = np.unique(np.concatenate([docs for docs, _ in parts]))
        else:  # thousands of postings: the clauses holding it read off the summed array (all positive)
            docs = np.flatnonzero(summed != 0)
        tf = summed[docs]
        summed[docs] = 0.0
        return docs, tf

    def _summing_array(self) -> np.ndarray:
        summed = getattr(self._scratch, "summed", None)
        if summed is None:
            summed = self._scratch.summed = np.zeros(len(self.entries))
        return summed

    def _is_word(self, text: str) -> bool:
        return text in self.df or self.tokenizer.is_dictionary_word(text) or text in self.tokenizer.key_terms

    def idf(self, term: str) -> float:
        df = self.df.get(term)
        if df is None:
            return self.max_idf
        return math.log(1 + (len(self.entries) - df + 0.5) / (df + 0.5))

    def topic_word(self, title: str) -> str:
        """A heading's longest domain term (失业保险金 in 优化失业保险金发放领取程序), if it has one."""
        tokenizer = self.tokenizer
        words = [w for w in tokenizer.content_words(title) if len(w) >= 2 and w not in self.lexicon.generic]
        return max((w for w in words if w in tokenizer.key_terms or w in tokenizer.topics), key=len, default="")

    def members(self, notice: Notice) -> set[int]:
        """Entry numbers of a notice's clauses, for `search(within=…)`."""
        return set(self._members.get(id(notice), ()))

    def has_content(self, text: str) -> bool:
        """Whether text holds any word that is not filler."""
        return bool(self.tokenizer.content_words(normalize(text)))

    # --- questions --------------------------------------------------------------------------

    def analyze(self, question: str) -> Query:
        """Normalise, segment and expand a question into concepts."""
        text = self.lexicon.to_mandarin(normalize(question))
        concepts: list[Concept] = []
        for span, official, exact in self.expander.synonyms(text, self.tokenizer.boundaries(text)):
            weight = SYNONYM_WEIGHT if exact else SYNONYM_WEIGHT * GAPPED_FACTOR
            # An official term the person typed themselves (制造业 in 制造业企业) counts in full.
            concepts.append(self._concept(span, tuple((t, 1.0 if t in text else weight) for t in official)))
        spans = "".join(c.surface for c in concepts)
        for word in self._join_known(self.tokenizer.content_words(text)):
            if word in spans:
                continue  # already stands for an official term
            concepts.append(self._concept(word, self._word_terms(word)))
        concepts = self._repair_homophones(text, concepts)
        terms: dict[str, float] = {}
        for concept in concepts:
            for term, weight in concept.terms:
                terms[term] = max(terms.get(term, 0.0), weight * (1.0 if concept.evidence else GENERIC_WEIGHT))
        return Query(text, tuple(_dedupe(concepts)), terms)

    def _join_known(self, words: list[str]) -> list[str]:
        """Single characters the question's segmentation left apart that the notices use as one word
        (扬/尘 → 扬尘): the notices were segmented with more context than a short question gives."""
        out, i = [], 0
        while i < len(words):
            for size in (4, 3, 2):
                run = words[i : i + size]
                joined = "".join(run)
                if (len(run) == size and all(len(w) == 1 and CJK.match(w) for w in run)
                        and (joined in self.df or self.expander.full_forms(joined, self.df.get))):
                    out.append(joined)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _word_terms(self, word: str) -> tuple[tuple[str, float], ...]:
        """A question word, and what stands in for it when the notices never use it."""
        terms = ((word, 1.0),)
        if word in self.df:
            # 双减政策 is one word of the survey form, while the clause on 双减 says 双减: the parts of a
            # long word few clauses use count too, for less, where they reach clauses the word does not.
            if len(word) >= KNOWN_PARTS_MIN and self.df[word] <= KNOWN_PARTS_DF:
                return terms + tuple((p, KNOWN_PART_WEIGHT) for p in self.tokenizer.parts(word)
                                     if self.df.get(p, 0) > self.df[word] and p not in self.lexicon.generic)
            return terms
        near = self.expander.near_spelling(word)
        if near:
            return terms + ((near, TYPO_WEIGHT),)
        # Single characters (管 ~ 将, 把) have too many senses to expand; generic synonyms say nothing.
        synonyms = tuple(
            (w, THESAURUS_WEIGHT) for w in synonym_sets().get(word, ())
            if len(word) >= 2 and len(w) >= 2 and w in self.df and w not in self.lexicon.generic
        )
        if synonyms:
            return terms + synonyms
        listed = tuple((t, LEXICON_PART_WEIGHT) for t in self.expander.lexicon_parts(word)
                       if t in self.df) if self.tokenizer.rarity(word) >= MIN_PART_RARITY else ()
        if listed:
            return terms + listed
        full = self.expander.full_forms(word, self.df.get)
        if full:
            return terms + tuple((t, SHORT_FORM_WEIGHT) for t in full)
        # 预约挂号 is not in the notices but 挂号 is: the parts carry part of the weight.
        return terms + tuple((p, PART_WEIGHT) for p in self.tokenizer.parts(word) if p in self.df)

    def _concept(self, surface: str, terms: tuple[tuple[str, float], ...]) -> Concept:
        known = [self.idf(t) * w for t, w in terms if t in self.df]
        # A word the notices never use counts by how unusual it is in everyday Chinese: 契税 weighs
        # against an answer, 孩子 hardly does.
        importance = max(known) if known else self.max_idf * self.tokenizer.rarity(surface)
        generic = surface in self.lexicon.generic or (len(surface) == 1 and bool(CJK.match(surface)))
        if len(surface) == 1:
            terms = tuple((t, w * SINGLE_CHAR_WEIGHT) for t, w in terms)
        return Concept(surface, terms, importance, evidence=not generic)

    def _known(self, concept: Concept) -> bool:
        return any(t in self.df for t, _ in concept.terms)

    def _repair_homophones(self, text: str, concepts: list[Concept]) -> list[Concept]:
        """An unknown word a homophone explains (「yi」 in 「yi地就医」) gives way to the known word."""
        unknown = [c.surface for c in concepts if not self._known(c)]
        if not unknown:
            return concepts
        found = self.expander.homophones(text, unknown)
        repaired = [self._concept(span, ((term, TYPO_WEIGHT),)) for span, term in found]
        if not repaired:
            return concepts
        kept = [c for c in concepts if self._known(c) or not any(c.surface in r.surface for r in repaired)]
        return kept + repaired

    # --- ranking ----------------------------------------------------------------------------

    def search(self, question: str | Query, limit: int = 5, within: set[int] | None = None) -> tuple[Query, list[Hit]]:
        """The best clauses for a question, best first; `within` limits to those entry numbers."""
        query = question if isinstance(question, Query) else self.analyze(question)
        allowed = None if within is None else self._allowed(within)
        postings, frequencies, weights = [], [], []
        for term, weight in query.terms.items():
            docs, tf = self.term_frequencies(term)
            if allowed is not None:
                keep = allowed[docs]
                docs, tf = docs[keep], tf[keep]
            if len(docs):
                postings.append(docs)
                frequencies.append(tf)
                weights.append(weight * self.idf(term))
        # Every term's postings in one array: BM25 saturation for all at once, then each clause's terms
        # summed in the question's order (bincount adds in input order; a term names a clause once).
        docs = np.concatenate(postings) if postings else np.empty(0, dtype=np.int32)
        tf = np.concatenate(frequencies) if frequencies else np.empty(0)
        each = np.repeat(weights, [len(d) for d in postings])
        scores = np.bincount(docs, weights=each * tf * (K1 + 1) / (K1 + tf), minlength=len(self.entries))
        candidates = np.flatnonzero(scores != 0)  # a boolean mask's nonzero is several times faster
        if len(query.text) <= SHORT_QUESTION and query.concepts:
            self._heading_bonus(query, scores, candidates)
        self._place_boost(query.text, scores, candidates)
        weights = {t: w * self.idf(t) for t, w in query.terms.items()}  # once, not once a hit
        return query, [self._hit(query, doc, score, weights) for doc, score in top(scores, candidates, limit)
                       if score > 0]

    def _allowed(self, within: set[int] | frozenset[int]) -> np.ndarray:
        """`within` as a mask over the clauses; a frozenset (a scope the catalog keeps) is made into one once."""
        if not isinstance(within, frozenset):
            return self._mask(within)
        kept = self._masks.get(id(within))
        if kept is None or kept[0] is not within:
            if len(self._masks) > 64:
                self._masks.clear()
            kept = self._masks[id(within)] = (within, self._mask(within))
        return kept[1]

    def _mask(self, within) -> np.ndarray:
        allowed = np.zeros(len(self.entries), dtype=bool)
        allowed[np.fromiter(within, dtype=np.int64, count=len(within))] = True
        return allowed

    def _place_boost(self, text: str, scores: np.ndarray, candidates: np.ndarray) -> None:
        """「遂宁市对…有何政策」: a place that names some notices' issuers, not all, favours those."""
        places = frozenset(self._places_in(text))
        if not places:
            return
        chosen = self._place_masks.get(places)
        if chosen is None:  # which notices the places name, once per set of places (thousands at scale)
            if len(self._place_masks) > 256:
                self._place_masks.clear()
            named = {i for place in places for i in self._by_place[place]}
            chosen = np.zeros(len(self.notices), dtype=bool)
            if len(named) < len(self.notices):
                chosen[list(named)] = True
            self._place_masks[places] = chosen
        boosted = candidates[chosen[self._notice_of[candidates]]]
        scores[boosted] *= PLACE_BOOST

    def _places_in(self, text: str) -> set[str]:
        """The notices' places (see `notice_places`) written in the text, found by its substrings."""
        longest, starts = self._longest_place, self._place_starts
        return {text[i:j] for i in range(len(text)) if text[i] in starts
                for j in range(i + 1, min(len(text), i + longest) + 1) if text[i:j] in self._by_place}

    def _heading_bonus(self, query: Query, scores: np.ndarray, candidates: np.ndarray) -> None:
        """Short questions often are a heading with a typo: 「盲人按摩師考證」. Only the best-scored
        candidates' headings are compared, so the cost does not grow with the knowledge base; the
        candidates stay the same (the bonus goes to some of them)."""
        candidates = best_of(scores, candidates, FUZZY_CANDIDATES)
        titles = self._titles[candidates].tolist()
        for _, score, at in process.extract(query.text, titles, scorer=fuzz.partial_ratio, score_cutoff=75, limit=5):
            scores[candidates[at]] += HEADING_BONUS * (score - 70) / 30

    def _hit(self, query: Query, doc: int, score: float, weights: dict[str, float]) -> Hit:
        clause, notice = self.entries[doc]
        per_field, held = self.words.counts(doc), self.words.terms(doc)
        present = [(t, w) for t, w in weights.items() if t in held]  # in the question's order, as summed
        field_scores = tuple(
            (name, round(sum(w for t, w in present if t in per_field[name]), 3)) for name in FIELD_WEIGHTS
        )
        matched = tuple(t for t, _ in present if query.terms[t] >= SHOWN_WEIGHT)  # as matched_terms gives them
        return Hit(clause, notice, round(score, 4), matched, field_scores)

    def matches(self, concept: Concept, doc: int) -> bool:
        terms = self.words.terms(doc)
        return any(t in terms for t, _ in concept.terms)

    def matched_terms(self, query: Query, doc: int) -> tuple[str, ...]:
        """The meaningful terms of a clause that the question (or its expansions) hit.

        Generic words and single characters rank a little but are no reason to show a sentence.
        """
        terms = self.words.terms(doc)
        return tuple(t for t, w in query.terms.items() if t in terms and w >= SHOWN_WEIGHT)

    def support(self, query: Query, hit: Hit, absent: frozenset[Concept] | None = None) -> Support:
        """How well a clause supports answering the question (see `Support`); `absent`: the question's
        services the notices never name, when already worked out for this query."""
        return self._support(self._weighing(query, absent), query, hit)

    def _weighing(self, query: Query, absent: frozenset[Concept] | None = None) -> list[tuple[Concept, str, float]]:
        """The question's evidence concepts, in order, each with what it is (a service the notices never
        name, a concept they know, one they do not) and, for the unknown ones, how surely it names another
        topic: the same for every clause, so worked out once a question, not once a hit."""
        if absent is None:
            absent = frozenset(c for c in query.concepts if c.evidence and self._absent_service(c))
        weighing = []
        for concept in query.concepts:
            if not concept.evidence:
                continue
            if concept in absent:
                # 住房维修基金: a service the notices never name, however familiar its parts (基金).
                weighing.append((concept, ABSENT, self.max_idf * SERVICE_TOPICALITY))
            elif self._known(concept):
                weighing.append((concept, KNOWN, 0.0))
            else:  # no clause holds any of its terms
                weighing.append((concept, UNKNOWN, concept.importance * self._topicality(concept)))
        return weighing

    def _support(self, weighing: list[tuple[Concept, str, float]], query: Query, hit: Hit) -> Support:
        doc = self.doc_of(hit)
        matched = unknown = missing = evidence = strongest_unknown = focus = 0.0
        for concept, kind, topicality in weighing:
            if kind != KNOWN:
                unknown += concept.importance
                strongest_unknown = max(strongest_unknown, topicality)
                continue
            centrality = self.centrality(concept, doc)
            if centrality:
                focus = max(focus, centrality)
                matched += concept.importance
                evidence += concept.importance * centrality
            else:
                missing += concept.importance
        against = unknown + MISSING_FACTOR * missing
        heading = normalize(hit.clause.title)
        named_heading = len(heading) if len(hit.clause.title) >= 4 and heading in query.text else 0
        if named_heading:
            evidence += self.max_idf  # the question names the clause by its heading
            focus = 1.0
        share = matched / (matched + against) if matched else 0.0
        return Support(share, evidence, strongest_unknown, focus, missing, named_heading)

    def _absent_service(self, concept: Concept) -> bool:
        """A public service (topics.txt) that no notice names, in the question's words or the official
        ones it stands for: 公积金 (→ 住房公积金) is absent only when 住房公积金 is too."""
        # The words that stand for it (official terms of a synonym), not its parts or guesses.
        words = {concept.surface} | {t for t, w in concept.terms if w >= SYNONYM_WEIGHT * GAPPED_FACTOR}
        if any(w in self.df for w in words):
            return False
        if words & self.tokenizer.topics:
            return True
        # jieba may glue a verb to the topic (考驾照, 办护照): the topic inside still names the service.
        surface = concept.surface
        return len(surface) >= 3 and surface.isalnum() and any(
            t in surface and t not in self.df for t in self.tokenizer.topics if len(t) >= 2
        )

    def _topicality(self, concept: Concept) -> float:
        """How surely an unknown concept names a topic the notices lack.

        A public-service topic (公积金, 暖气费) surely does; another noun may (电冰箱, 大卡车 are
        often just context); other words (离谱, 弄完) are how people talk.
        """
        # The words that stand for it (official terms of a synonym), not its parts or guesses.
        words = {concept.surface} | {t for t, w in concept.terms if w >= SYNONYM_WEIGHT * GAPPED_FACTOR}
        if words & self.tokenizer.topics:
            return SERVICE_TOPICALITY
        return NOUN_TOPICALITY if self.tokenizer.is_noun(concept.surface) else OTHER_WORD

    def centrality(self, concept: Concept, doc: int) -> float:
        """1.0 when the concept is what a clause is about, less when it is mentioned in passing."""
        raw = self.words.counts(doc)
        mentions, best = 0.0, 0.0
        # An attachment's table names many topics in passing; a mention there says less.
        passing = PASSING * (0.5 if self.entries[doc][0].path[:1] == ("附件",) else 1.0)
        for term, weight in concept.terms:
            share = min(1.0, weight / SYNONYM_WEIGHT)
            if term in raw["title"] or term in raw["section"] or term in raw["units"]:
                best = max(best, share)
            # A long term (千人百企标准服务) is specific enough that one mention says a lot.
            specificity = max(1.0, len(term) / 2)
            mentions += share * specificity * (raw["text"].get(term, 0) + raw["notice"].get(term, 0))
        # Several mentions, or several of the concept's words, show the clause is about it.
        return max(best, min(1.0, passing * mentions))

    def doc_of(self, hit: Hit) -> int:
        return self._position[id(hit.clause)]

    def with_support(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """The hits, each carrying its `support` for the question."""
        weighing = self._weighing(query)
        # Made directly (all of Hit's fields), as dataclasses.replace takes three times as long.
        return [Hit(hit.clause, hit.notice, hit.score, hit.matched_terms, hit.field_scores,
                    self._support(weighing, query, hit)) for hit in hits]


def top(scores: np.ndarray, candidates: np.ndarray, limit: int) -> list[tuple[int, float]]:
    """The `limit` best candidates, best first (ties: earlier clause first), without sorting them all."""
    values = scores[candidates]
    if len(candidates) > limit:
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= kth  # ties with the last place all stay, for the sort to decide
        candidates, values = candidates[keep], values[keep]
    return sorted(zip(candidates.tolist(), values.tolist(), strict=True), key=lambda dv: (-dv[1], dv[0]))[:limit]


def best_of(scores: np.ndarray, candidates: np.ndarray, limit: int) -> np.ndarray:
    """The `limit` best-scored of the candidates (sorted clause numbers), still in clause order; of those
    tied with the last place, the earliest (as a stable sort of them all by score would keep)."""
    if len(candidates) <= limit:
        return candidates
    values = scores[candidates]
    kth = np.partition(values, len(values) - limit)[len(values) - limit]
    above, tied = values > kth, values == kth
    return candidates[above | tied & (np.cumsum(tied) <= limit - np.count_nonzero(above))]


PLACE = re.compile(r"^([\u4e00-\u9fa5]{2,8}?(?:省|市|区|县|州|盟))")


def notice_places(notice: Notice) -> set[str]:
    """The places a notice's issuer and title start with (遂宁市, 遂宁), as people name them."""
    places = set()
    for name in (notice.issuer, notice.title):
        rest = name or ""
        while (m := PLACE.match(rest)) and not m[1].startswith(("市人民", "省人民", "区人民")):
            places |= {m[1], m[1][:-1]} if len(m[1]) >= 3 else {m[1]}  # 北京市石景山区: both
            rest = rest[m.end():]
    return places


def _dedupe(concepts: list[Concept]) -> list[Concept]:
    seen, out = set(), []
    for c in concepts:
        key = (c.surface, c.terms)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
