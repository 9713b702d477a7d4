"""Does a reply name its own model? The identity-leak check behind the ``identity_leak`` flag.

A vote is kept but left off the board when a side gave itself away. Two rules, on text
normalised the same way as the names (Unicode NFKC, case folded, zero-width characters
and Markdown emphasis removed, "GPT4" = "GPT-4" = "gpt 4"):

1. **Its deployed name**: the registry ``name`` or ``codename`` anywhere in the reply, when
   that name is specific (at least two parts and five characters, e.g. ``gpt-4o-mini``,
   ``alpha-model``; a one-word name like ``claude`` counts only under rule 2).
2. **Self-identification**: a first-person claim next to one of its identity terms (the
   registry ``aliases``, its organization with legal suffixes removed, and the products and
   makers of its family in ``model_families``): "I am Claude, made by Anthropic",
   "I was trained by Google", "Anthropic trained me", "As GPT4, I ...", "我是通义千问",
   "私はClaudeです", "Je suis ChatGPT", "Ich bin ein Sprachmodell von Microsoft".
   Between the first-person words and the term only descriptive words may stand ("an AI
   assistant developed by the team at"), so "I think OpenAI's API ..." or "I'm happy to
   compare Anthropic and OpenAI" do not count: merely mentioning a company is not a leak.

Measured on a labelled set of replies (``leak_eval_set.jsonl``): ``arena votes leak-eval``.
Who a model is (names, terms, the matching form) is built in ``identity_terms``; this
module holds the rules that decide a reply claims to be it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from arena.integrity.identity_terms import (
    CYR,
    LETTER,
    WORD_CHAR,
    ModelIdentity,
    compact,
    identity_from,
    identity_of,
    normalize,
    term_regex,
    term_union,
)

__all__ = ["ModelIdentity", "identity_of", "names_own_model", "normalize"]

# ---------------------------------------------------------------- self-reference


def _items(text: str) -> list[str]:
    """Phrases from a "|"- or line-separated block (phrases may hold spaces)."""
    return [w.strip() for w in re.split(r"[|\n]", text) if w.strip()]


def _alt(words: Iterable[str]) -> str:
    """One alternation, longest first, of words in matching form ("heiße" -> "heisse")."""
    forms = {normalize(w) for w in words}
    return "|".join(re.escape(w) for w in sorted(forms, key=len, reverse=True))


# First-person words after which a name is a claim ("I am", "je suis", "我是").
_SELF_EN = _items(
    """
    i am | i'm | i was | i've been | i have been | my name is | my name's | call me
    i go by | i run on | i'm running on | i am running on | this is | you're talking to
    you are talking to | you're chatting with | you are chatting with | you're speaking with
    you are speaking with | talking to is | my creator is | my creators | my creator
    my developers | my developer | my makers | my maker | my parent company
    my creators are | my developers are | my underlying model is | my base model is
    under the hood i'm | under the hood, i'm
    """
)
_SELF_OTHER = _items(
    """
    je suis | je m'appelle | j'ai été | mon nom est | mes créateurs | soy | yo soy
    me llamo | fui | mi nombre es | sou | eu sou | me chamo | meu nome é | eu fui | sono
    mi chiamo | il mio nome è | sono stato | sono stata | ich bin | ich heiße
    mein name ist | ich wurde | я | меня зовут | я был | я была | моё имя | мое имя | أنا
    اسمي | تم تطويري | تم تدريبي | تم إنشائي | طورني | صنعني | دربني
    我是 | 我叫 | 我的名字是 | 我的名字叫 | 我由 | 我来自 | 我是由 | 本模型由
    本助手由 | 私の名前は | わたしの名前は | 제 이름은 | 내 이름은
    """
)
# Words after which only the name itself may follow.
_DIRECT = frozenset({"this is", "call me", "i go by"})
_BARE = " ,:;-\"'«»“”"
# "As ChatGPT, I ..." / "作为通义千问，我": a claim only when the sentence goes on in first person.
_AS = ["as", "en tant que", "como", "als", "come", "в качестве", "作为", "作為", "として"]
_AS_FOLLOW = re.compile(
    r"^\s*[,，、]\s*(?:i\b|i'm|my\b|me\b|je\b|j'|moi\b|yo\b|no tengo|no puedo|no soy|tengo|"
    r"puedo|eu\b|não\b|ich\b|io\b|non\b|я\b|我|私|저|나)"
)
# Topic markers (ja, ko, hi): the claim is in the ending after the name ("私はClaudeです").
_TOPIC = ["私は", "わたしは", "僕は", "ぼくは", "저는", "나는", "मैं"]
_TOPIC_END = re.compile(
    r"^\s*(?:です|だ|と申します|といいます|によって|により|が開発|が作|で開発|で作|の(?:ai|アシスタント|言語モデル|モデル)|"
    r"입니다|이에요|예요|이야|야\b|이고|이며|에서\s*(?:개발|만든|만들)|가\s*(?:개발|만든|만들)|이\s*(?:개발|만든|만들)|"
    r"हूँ|हूं|द्वारा|ने\s)"
)
# Descriptive words that may stand between the first-person words and the name.
_FILLERS_LATIN = _items(
    """
    a | an | the | ai | artificial | intelligence | assistant | chatbot | bot | chat
    language | large | small | compact | model | models | llm | version | variant | of
    called | named | known | as | made | created | developed | trained | built | designed
    programmed | produced | released | fine-tuned | finetuned | by | from | at | team
    company | researchers | engineers | people | folks | lab | labs | based | on | powered
    running | product | part | family | series | helpful | friendly | virtual
    conversational | multimodal | open-weights | open-weight | open-source | open | source
    weights | just | actually | really | originally | specifically | latest | newest
    instance | member | generation | is | are | was
    research | group | division | ai-powered | ai-assistant | un | une | le | la | l'
    les | de | du | des | d' | modèle | modele | assistant | ia | langage | grand
    conversationnel | développé | développée | créé | créée | conçu | conçue | entraîné
    entraînée | formé | formée | par | chez | équipe | l'équipe | société | entreprise
    basé | basée | sur | virtuel | appelé | nommé | l'assistant | ici | una | el | los | las
    del | modelo | asistente | inteligencia | lenguaje | grande | desarrollado
    desarrollada | creado | creada | entrenado | entrenada | diseñado | por | equipo
    empresa | basado | en | llamado | versión | um | o | os | as | do | da | assistente
    linguagem | desenvolvido | desenvolvida | criado | criada | treinado | treinada | pela
    pelo | equipe | baseado | em | chamado | uno | il | lo | di | della | dello | modello
    linguistico | sviluppato | sviluppata | creato | creata | addestrato | addestrata | dal
    dalla | azienda | basato | su | chiamato | virtuale | ein | eine | einer | der | die
    das | dem | den | ki | künstliche | intelligenz | assistent | ki-assistent
    sprachmodell | großes | großer | kleines | kleiner | modell | von | entwickelt
    entwickeltes | entwickelter | erstellt | trainiert | trainiertes | gebaut | namens
    basierend | auf | firma | unternehmen | языковая | языковой | модель | ии | ии-ассистент
    искусственный | интеллект | ассистент | помощник | большая | большой | разработанная
    разработанный | созданная | созданный | обученная | обученный | компанией | компании
    командой | от | на | основе | нейросетевая | нейросеть | создан | разработан | обучен
    نموذج | لغوي | مساعد | ذكاء | اصطناعي | من | طورته | تم | تطويري | قبل | فريق | vom
    """
)
# A sentence opened by a participle about its unnamed subject, the speaker: "Built by the
# OpenAI team, I ...", "Créé par l'équipe d'OpenAI, je ...", "由OpenAI团队打造，我".
_PARTICIPLES = _items(
    """
    made | built | trained | created | developed | designed | programmed | fine-tuned
    créé | créée | conçu | conçue | développé | développée | entraîné | entraînée | formé
    formée | creado | creada | desarrollado | desarrollada | entrenado | entrenada | diseñado
    diseñada | construido | construida | hecho | hecha | criado | criada | desenvolvido
    desenvolvida | treinado | treinada | construído | construída | feito | feita | creato
    creata | sviluppato | sviluppata | addestrato | addestrata | costruito | costruita
    entwickelt | erstellt | trainiert | gebaut | созданный | созданная | разработанный
    разработанная | обученный | обученная
    """
)
_FILLERS_LATIN += [p for p in _PARTICIPLES if p not in _FILLERS_LATIN]
_BY_HEAD = re.compile(rf"^\s*(?:(?:{_alt(_PARTICIPLES)})(?!{WORD_CHAR})|由)")
_TEAM = re.compile(
    r"^(?:\s|-|'s)*(?P<team>team|équipe|equipo|equipe|squadra|команда|团队|公司)?"
    r"\s*(?:开发|研发|训练|打造|创建|构建|创造)?(?:的)?"
)
_BY_FOLLOW = re.compile(r"^\s*[,，、]\s*(?:\w+\s+){1,2}ich\b")  # "..., beantworte ich"
_CLAUSE_END = re.compile(r"^\s*(?:[.!?。！？\n]|$)")
# Term first, the team and the making after it (ja, ko): "OpenAIのチームによって開発された私は".
_TEAM_MADE_ME = re.compile(
    r"^\s*(?:の)?\s*(?:チーム\s*(?:によって|により|が)\s*(?:開発|作|訓練|トレーニング)\S{0,4}?"
    r"(?:された|した|られた)\s*(?:私|わたし|僕)|팀\s*(?:이|에서|의)?\s*"
    r"(?:만든|개발한|개발된|훈련한|훈련된)\s*(?:저|나))"
)
_FILLERS_CJK = _items(
    """
    一个 | 一款 | 一名 | 由 | 开发 | 研发 | 训练 | 打造 | 创建 | 创造 | 推出 | 构建 | 的
    人工智能 | ai | 助手 | 智能助手 | 语言模型 | 大语言模型 | 大型语言模型 | 大模型
    超大规模 | 模型 | 公司 | 团队 | 基于 | 旗下 | 来自 | 是 | 智能 | 聊天机器人 | 科技
    有限公司 | 集团 | 实验室 | 和 | 与 | によって | により | 開発された | 開発した
    作られた | 訓練された | トレーニングされた | が | で | の | 会社 | チーム | 에서
    개발한 | 개발된 | 만든 | 훈련된 | 의 | 회사 | 팀 | 인공지능 | 어시스턴트
    """
)
_SEPS = r"[\s,:;()\[\]\-\"'«»“”„、，：（）]"
_FILLER = (
    rf"(?:(?<!{WORD_CHAR})(?:{_alt(_FILLERS_LATIN)})(?!{WORD_CHAR})"
    rf"|(?:{_alt(_FILLERS_CJK)})|{_SEPS}+|'s\b|s'|\d+(?:\.\d+)*)"
)
_HEDGE = re.compile(
    r"(?:whether|if|wonder|asking|ask|asked|assume|suppose|think|pretend|not sure|"
    r"no|not|ne|nicht|non|не|不|si|ob)\s*$"
)
# Clause start: sentence punctuation (not the dot inside "01.AI" or "3.5") or a new line.
_CLAUSE_START = re.compile(r"\.(?=\s)|[!?。！？\n]")
# "Anthropic trained me", "Meta hat mich entwickelt", "深度求索公司开发了我".
_MADE_ME = re.compile(
    r"^(?:\s|'s|公司|团队|team)*\s*(?:(?:made|created|built|trained|developed|designed|"
    r"programmed|fine-tuned)\s+me\b|m'a\s+(?:créé|conçu|développé|entraîné|formé)|"
    r"me\s+(?:creó|desarrolló|entrenó|diseñó|hizo|criou|desenvolveu|treinou)|"
    r"hat\s+mich\s+(?:\w+\s+)?(?:entwickelt|erstellt|trainiert|gebaut|geschaffen)|"
    r"mi\s+ha\s+(?:creato|sviluppato|addestrato)|"
    r"(?:создал|создала|создали|разработал|разработала|разработали|обучил|обучила|обучили)\s+меня|"
    r"(?:开发|研发|训练|创造|打造|创建)了我|が(?:私|わたし)を)"
)
# "Claude here!" at the start of a clause.
_HERE = re.compile(
    r"^\s*(?:here\b|speaking\b|at your service|is my name\b|ici\b|aquí\b|hier\b|"
    r"est mon nom|es mi nombre|ist mein name)"
)
_IDENTITY_NOUN = re.compile(
    r"^\s*(?:ai|assistant|chatbot|bot|language model|large language model|model|llm|"
    r"conversational|virtual|助手|人工智能|模型|アシスタント|モデル|어시스턴트|모델)"
)
_SKIPPABLE = re.compile(r"^[\s()\[\]\"'«»“”-]*")
_POSSESSIVE = re.compile(r"^(?:'s|s'|の|의|的)\s*")


@dataclass(frozen=True, slots=True)
class _Compiled:
    names: re.Pattern[str] | None
    terms: re.Pattern[str] | None
    tokens: re.Pattern[str]


def _ends_with(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?:^|(?<![{LETTER}{CYR}']))(?:{_alt(words)})$")


_SELF_TAIL = _ends_with(_SELF_EN + _SELF_OTHER)
_AS_TAIL = _ends_with(_AS)
_TOPIC_TAIL = re.compile(rf"(?:{_alt(_TOPIC)})$")
# Cheap test before the exact one: does the clause hold any first-person word at all?
_ANY_MARKER = re.compile(_alt(_SELF_EN + _SELF_OTHER + _AS + _TOPIC))


@lru_cache(maxsize=1024)
def _compiled(identity: ModelIdentity) -> _Compiled:
    names = "|".join(term_regex(n, exact=True) for n in identity.names)
    ordered = sorted(identity.terms, key=lambda t: len(compact(t)), reverse=True)
    terms = term_union([term_regex(t, exact=False) for t in ordered])
    # Gap tokens are descriptive words and the model's other terms ("I am OpenAI's
    # ChatGPT"); anything else is a word or character that ends the gap.
    gap = f"{_FILLER}|{terms}" if terms else _FILLER
    tokens = re.compile(rf"(?P<gap>{gap})|(?P<other>{WORD_CHAR}+|\S)")
    return _Compiled(
        re.compile(names) if names else None, re.compile(terms) if terms else None, tokens
    )


def _claims(text: str, start: int, end: int, c: _Compiled) -> bool:
    """Is the term at text[start:end] part of a first-person claim?"""
    window = text[max(0, start - 120) : start]
    cuts = list(_CLAUSE_START.finditer(window))
    before = window[cuts[-1].end() :] if cuts else window
    after = text[end : end + 80]
    if _TEAM_MADE_ME.match(after):
        return True
    possessive = _POSSESSIVE.match(after)
    if possessive:
        rest = after[possessive.end() :]
        owned = c.terms is not None and c.terms.match(rest)
        if not owned and not _IDENTITY_NOUN.match(rest):
            return False
    if _MADE_ME.match(after):
        return True
    tokens = list(c.tokens.finditer(before))
    first_gap = len(tokens)
    while first_gap > 0 and tokens[first_gap - 1].lastgroup == "gap":
        first_gap -= 1
    gap_start = tokens[first_gap].start() if first_gap < len(tokens) else len(before)
    if not before[:gap_start].strip() and _HERE.match(after):
        return True
    if not before[:gap_start].strip() and _BY_HEAD.match(before) and _made_by(after, c):
        return True
    if not _ANY_MARKER.search(before):
        return False
    # The first-person words may end anywhere inside the descriptive gap ("I was" +
    # "trained by"), so try each token boundary of the gap.
    cuts_at = [t.start() for t in tokens[first_gap:]] + [len(before)]
    return any(
        _first_person(before[max(0, cut - 48) : cut], after, c, before[cut:].strip(_BARE))
        for cut in cuts_at
    )


def _made_by(after: str, c: _Compiled) -> bool:
    """After "Built by (the) <term>": the speaker goes on in first person ("..., I"), or
    the sentence ends after the team that made it ("Made by the OpenAI team.")."""
    rest = _skip_terms(after, c)
    team = _TEAM.match(rest)
    rest = rest[team.end() :] if team else rest
    if _AS_FOLLOW.match(rest) or _BY_FOLLOW.match(rest):
        return True
    return bool(team and team["team"] and _CLAUSE_END.match(rest))


def _first_person(head: str, after: str, c: _Compiled, gap: str) -> bool:
    """Does ``head`` end in first-person words that make ``gap`` + the term a claim?"""
    self_tail = _SELF_TAIL.search(head)
    if self_tail and not _HEDGE.search(head[: self_tail.start()].rstrip()):
        # "This is ChatGPT" is a claim; "this is a model by Google" describes another one.
        direct = self_tail.group().strip(_BARE) in _DIRECT
        return not (direct and gap)
    if _AS_TAIL.search(head):
        # Skip further own terms and versions: "As GPT-4 Turbo 2, I".
        return bool(_AS_FOLLOW.match(re.sub(r"^[\s\d.]*", "", _skip_terms(after, c))))
    if _TOPIC_TAIL.search(head):
        return bool(_TOPIC_END.match(_skip_terms(after, c)))
    return False


def _skip_terms(after: str, c: _Compiled) -> str:
    """Text after a term, past brackets, quotes and further own terms: "通義千問（Qwen）です"."""
    while True:
        stripped = _SKIPPABLE.sub("", after)
        m = c.terms.match(stripped) if c.terms is not None else None
        if m and m.end() > 0:
            after = stripped[m.end() :]
            continue
        return stripped


def names_own_model(text: str, model: Any) -> bool:
    """True if ``text`` names its own model: its deployed name, or a self-identification.

    ``model`` is a ``ModelIdentity``, a ``ModelSpec``, or anything with (or a dict of)
    ``name``, ``organization``, ``aliases``, ``codename`` and ``model``.
    """
    identity = identity_from(model)
    if identity.empty or not text:
        return False
    c = _compiled(identity)
    norm = normalize(text)
    if c.names is not None and c.names.search(norm):
        return True
    if c.terms is None:
        return False
    return any(_claims(norm, m.start(), m.end(), c) for m in c.terms.finditer(norm))


# ---------------------------------------------------------------- generated code

# Where an app signs itself: comments, meta tags (generator, author) and "made by ..."
# phrases. Not the title or visible text: a "ChatGPT clone" may be what was asked for.
_CODE_PLACES = re.compile(
    r"<!--(?P<html>.*?)-->|/\*(?P<block>.*?)\*/|(?<![:\w])//(?P<line>[^\n]*)"
    r"|<meta\b(?P<meta>[^>]*)>",
    re.I | re.S,
)
_SIGNATURE = re.compile(
    r"(?:generated|created|built|made|written|designed|powered|coded|crafted)"
    r"(?:\s+\w+){0,2}?\s+(?:by|with|using|via)\s+(?P<tail>.{1,60})",
    re.I | re.S,
)


def code_names_own_model(code: str, model: Any) -> bool:
    """True if generated code names its own model where an app signs itself.

    A WebDev app has no reason to name its maker: a comment, a meta tag or a
    "generated by ..." phrase that names the model's family or organization gives it
    away even without a first-person claim. Elsewhere in the code (the title, visible
    text) the ordinary rule of :func:`names_own_model` applies: its deployed name
    anywhere, or a first-person claim, so a "ChatGPT clone" someone asked for stays fair.
    """
    identity = identity_from(model)
    if identity.empty or not code:
        return False
    if names_own_model(code, identity):
        return True
    c = _compiled(identity)
    if c.terms is None:
        return False
    places = [next(g for g in m.groups() if g is not None) for m in _CODE_PLACES.finditer(code)]
    places += [m["tail"] for m in _SIGNATURE.finditer(code)]
    return any(c.terms.search(normalize(place)) for place in places)
