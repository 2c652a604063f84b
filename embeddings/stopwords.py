"""Function words left out of the lexical (TF-IDF) features, for the languages of our users.

Lexical matching without a fitted IDF (see :mod:`embeddings.tfidf`) relies on these lists to
keep "the", "of", "и", "в" from dominating every vector. They are short hand-written lists of
the commonest function words (articles, prepositions, conjunctions, particles, pronouns,
auxiliaries) of English, Russian, Kazakh and Mongolian. Chinese needs none: its
features are character bigrams, whose weight is spread too thin for function characters to
dominate.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set.

    Parameters
    ----------
    text : str
        Words separated by spaces or newlines.

    Returns
    -------
    frozenset of str
        The words.
    """
    return frozenset(text.split())


ENGLISH = words(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either etc
    few for from further had has have having he her here hers herself him himself his how
    however i if in into is it its itself just may me might more most must my myself no nor
    not now of off on once only or other our ours ourselves out over own per same shall she
    should since so some such than that the their theirs them themselves then there thereby
    therefore these they this those through thus to too under until up upon us very via was
    we were what when where whether which while who whom whose why will with within without
    would yet you your yours yourself yourselves
    """
)

RUSSIAN = words(
    """
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее ей ему если есть еще же за здесь и из или им их к как какая какие какой
    когда кто ли либо между меня мне мной может мы на над надо нас не него нее нет ни них но ну
    о об однако он она они оно от очень по под после при про с со так также такие такой там
    те тем то того тоже той только том тот у уже хотя чего чем что чтобы эта эти это этого
    этой этом этот эту я являются является который которая которое которые которых котором
    которой которую которым которыми свой своей своих свою себя сам само самым ещё её
    """
)

KAZAKH = words(
    """
    және мен да де та те бен пен ал бірақ немесе үшін туралы бойынша арқылы сияқты осы сол бұл
    ол олар біз сіз ең өте бар жоқ емес болып болды болады еді деп тағы әр барлық
    """
)

MONGOLIAN = words(
    """
    ба болон нь юм бол энэ тэр эдгээр тэдгээр бид та тэд би гэж гэх гэсэн байна байгаа байсан
    байдаг болно мөн ч л хүртэл тул учир шиг дээр доор буюу эсвэл харин бөгөөд
    """
)

STOP_WORDS: frozenset[str] = ENGLISH | RUSSIAN | KAZAKH | MONGOLIAN
"""Every list above, lower-case."""
