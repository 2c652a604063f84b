"""Administrative sentences of a call: rules, not research topics.

A call's description mixes what to research ("Projects should improve the forecasting of gas
emission") with how the competition is run ("Each project is led from the Russian side",
"The Russian principal investigator must be a senior researcher", "Grants of up to 7
million roubles a year", "Applications are accepted until 15 March"). Only the first kind
is something a member can *cover*; :func:`is_administrative` recognises the second so that
:func:`matcher.coverage.call_parts` leaves it out of coverage and of the explanations.

The recogniser is a transparent multilingual cue lexicon (English, Russian, Chinese,
Kazakh and Mongolian in Cyrillic), in two tiers:

* a **strong cue** is enough alone: a role word (principal investigator, PI, project or
  group leader, applicant; руководитель, заявитель; 负责人, 申请人; жетекші; удирдагч),
  "led from"/"led by"/"headed by", eligibility and submission words (eligible, deadline,
  submitted; заявки принимаются; 截止, 申报; өтінім; өргөдөл), funding amounts and
  durations (a currency amount next to a funding word, "36 months", "срок выполнения",
  资助期限), consortium make-up (consists of N partners, host institution, supervisor,
  secondment), and "partners from X are welcome";
* an **obligation** (must, shall, is required to, needs; должен, обязан; 须, 必须, 应当;
  тиіс, керек; шаардлагатай, ёстой) counts only when a team word follows it closely
  (member, partner, researcher, team, institution, country...): "Teams must include
  researchers from both countries" is a rule; "Projects should improve the forecasting of
  gas emission" is research content, and so is "Consortia should validate their methods".

:func:`administrative_cue` returns the cue that fired, so every decision can be explained.
Precision and recall per language on a labelled set of real and modelled call sentences
are in ``benchmarks/RESULTS.md`` (``benchmarks/call_parts_split.py``).
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.UNICODE

# A sentence ends at ., !, ? or ; followed by white space, at CJK sentence punctuation (no
# space follows it in CJK text), or at a line break. Abbreviations like "e.g. " do split;
# the fragment left behind is dropped when too short, which is the cheap, language-agnostic
# trade-off.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])|[\r\n]+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (Latin, Cyrillic and CJK punctuation), stripped, in order.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Non-empty sentences; fragments are *not* removed here (see
        :func:`matcher.coverage.is_fragment`).
    """
    pieces = (piece.strip() for piece in _SENTENCE_END.split(text))
    return [piece for piece in pieces if piece]


def research_text(description: str) -> str:
    """``description`` without its administrative sentences (the text a call's relevance
    is embedded from); the sentences kept are joined by one space."""
    return " ".join(s for s in split_sentences(description) if not is_administrative(s))


# -- strong cues: one is enough ----------------------------------------------------------

_ROLE = (
    r"\bprincipal investigators?\b|\bPIs?\b|\bco-?PIs?\b|\bproject (?:leader|lead|coordinator)s?\b"
    r"|\b(?:group|team) leaders?\b|\blead applicants?\b|\bapplicants?\b|\bapplying\b"
    r"|руководител|заявител|\bPI\b"
    r"|负责人|申请人|申请者|申请单位|依托单位"
    r"|жетекші|өтініш беруші"
    r"|удирдагч|өргөдөл гаргагч"
)
_LEAD = (
    r"\bled (?:from|by)\b|\bheaded by\b|\bcoordinated (?:from|by)\b"
    r"|возглавля|под руководством"
    r"|牵头|主持"
    r"|басқарады|басшылық"
    r"|тэргүүлнэ|ахлана"
)
_ELIGIBILITY = (
    r"\beligib|\bwho may apply\b|\bmay (?:apply|join|participate)\b|\bare welcome\b"
    r"|\bis welcome\b|\bdeadline\b|\bsubmi(?:t|tted|ssion)\b|\bcall for proposals\b"
    r"|\bapplications? (?:are|is|must|should|shall)\b"
    r"|к участию|могут участвовать|приглашаются|допускаются|заявк|подач[аи]|принимаются"
    r"|конкурсн(?:ой|ая) документац"
    r"|截止|申报|受理|提交|资格|欢迎"
    r"|өтінім|қабылданады|қатыса алады|шақырылады"
    r"|өргөдөл|хүлээн ав|оролцох эрхтэй|урьж байна"
)
_DURATION = (
    r"\b\d+[- ]?months?\b|\bduration\b|\b(?:up to|for|over) (?:\d+|two|three|four|five) years\b"
    r"|срок(?:и)? (?:выполнения|реализации|подачи|проекта)|продолжительност"
    r"|\d+\s?(?:месяц|года|лет)\b"
    r"|期限|周期|\d+\s?个月"
    r"|\d+\s?ай(?:ға|дан|ды)?\b|мерзім"
    r"|\d+\s?сар(?:ын|аас|ыг)?\b|хэрэгжих хугацаа|\d+\s?жил(?:ийн|ээр)\b"
)
_FUNDING = (
    r"\bbudget\b|\bfunding (?:of|rate|per|is|up)\b|\bgrants? (?:of|amount|size|per)\b"
    r"|\bco-?fund|\bfunds? (?:of )?up to\b|\bmaximum (?:grant|funding|contribution)\b"
    r"|размер гранта|объ[её]м финансирования|финансировани[ея] (?:проекта|составляет)"
    r"|\d[\d\s.,]*\s?(?:млн|тыс)\.?\s?(?:руб|₽)"
    r"|资助(?:强度|金额|经费|额度|期限)|经费|万元"
    r"|қаржыландыру(?: көлемі| мөлшері| мерзімі)|\d[\d\s.,]*\s?(?:млн|мың)\.?\s?теңге|₸"
    r"|санхүүжилтийн (?:хэмжээ|дүн)|\d[\d\s.,]*\s?(?:сая|мянган)\s?төгрөг|₮"
)
_CONSORTIUM = (
    r"\bconsortium (?:consists|comprises|brings together|is composed|gathers|includes)\b"
    r"|\bconsists of \d+ partners\b|\b\d+ partners\b|\bhost institution|\bsupervis"
    r"|\bsecondments?\b|\bfellowship\b|\bcareer (?:development|prospects)\b|\bmentor"
    r"|состав коллектива|научный коллектив (?:должен|включает)"
    r"|\bat least (?:one|two|three|\d+) (?:\w+[- ])?"
    r"(?:researchers?|partners?|members?|scientists?)\b"
)
_FORMAT = (
    r"\bin English\b|\btemplate\b|\bpages?\b|\bonline system\b|\bproposal form\b"
    r"|на русском (?:и|или) английском|оформл"
    r"|英文|中文和|页"
)

_STRONG = {
    "role": re.compile(_ROLE, _FLAGS),
    "leadership": re.compile(_LEAD, _FLAGS),
    "eligibility or submission": re.compile(_ELIGIBILITY, _FLAGS),
    "duration": re.compile(_DURATION, _FLAGS),
    "funding": re.compile(_FUNDING, _FLAGS),
    "consortium": re.compile(_CONSORTIUM, _FLAGS),
    "format": re.compile(_FORMAT, _FLAGS),
}

# -- obligations: only with a team word close behind ---------------------------------------

_MODAL_WORDS = (
    r"\b(?:must|shall|needs? to|needs|is required to|are required to|has to|have to"
    r"|should (?:have|include|involve|be led|comprise)"
    r"|должен|должна|должно|должны|обязан[аоы]?|необходимо"
    r"|тиіс|керек|қажет"
    r"|шаардлагатай|ёстой|заавал)\b"
)
_TEAM_WORDS = (
    r"(?:team|member|partner|researcher|scientist|lead|institution|organi[sz]ation|country"
    r"|countries|side|consorti|doctoral|early-career|senior|phd|degree"
    r"|команд|участник|партн[её]р|исследовател|учен|организаци|коллектив|степен|стран"
    r"|мүше|серіктес|зерттеуші|ғалым|ұйым|дәреже|топ"
    r"|гишүүн|түнш|судлаач|эрдэмтэн|байгууллага|зэрэг|баг)"
)
# A modal, then at most four words, then a team word (either order for the SOV languages:
# a Kazakh or Mongolian obligation ends the clause it governs).
_OBLIGATION = re.compile(
    rf"{_MODAL_WORDS}(?:\W+\w+){{0,4}}?\W+{_TEAM_WORDS}|{_TEAM_WORDS}\w*(?:\W+\w+){{0,4}}?\W+"
    r"(?:тиіс|керек|шаардлагатай|ёстой)\b",
    _FLAGS,
)
_CJK_OBLIGATION = re.compile(
    r"(?:须|必须|应当|应具有|应为|需|要求)[^。；，]{0,12}?"
    r"(?:团队|成员|单位|人员|职称|学位|合作方|中方|外方|研究人员|博士|青年)"
    r"|(?:团队|成员|单位|人员|合作方|中方|外方)[^。；，]{0,12}?(?:须|必须|应当|不少于|至少)"
)


def administrative_cue(sentence: str) -> str | None:
    """The kind of administrative cue in ``sentence`` and the text that fired it, e.g.
    ``"role: principal investigator"``; ``None`` for research content.

    Parameters
    ----------
    sentence : str
        One sentence of a call (any supported language).

    Returns
    -------
    str or None
        ``"<kind>: <matched text>"``, kinds being role, leadership, eligibility or
        submission, duration, funding, consortium, format, obligation.
    """
    for kind, pattern in _STRONG.items():
        found = pattern.search(sentence)
        if found:
            return f"{kind}: {found.group(0).strip()}"
    for pattern in (_OBLIGATION, _CJK_OBLIGATION):
        found = pattern.search(sentence)
        if found:
            return f"obligation: {found.group(0).strip()}"
    return None


def is_administrative(sentence: str) -> bool:
    """Whether ``sentence`` states a rule of the competition (eligibility, leadership,
    budget, deadline, format, submission, duration, funding, who may apply) rather than
    research content; see the module docstring for the cues."""
    return administrative_cue(sentence) is not None


__all__ = ["administrative_cue", "is_administrative", "research_text", "split_sentences"]
