"""What a user gets without configuring anything works on a mixed-language corpus.

A researcher who published only in Russian (or only in Chinese) must rank first for an English
call on their topic, against English-language researchers on other topics (one of them close:
coal-heating air pollution), with the default backend chosen for the whole corpus.
"""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import DEFAULT_BACKEND, get_encoder

CALL = (
    "Preventing methane explosions in underground coal mines: gas drainage, real-time gas "
    "monitoring with sensor networks, and prediction of methane emission at the working face."
)

RUSSIAN_ONLY = [
    "Прогноз газовыделения метана в очистных забоях угольных шахт Кузбасса. Рассмотрены "
    "закономерности выделения метана из разрабатываемых угольных пластов при увеличении "
    "скорости подвигания забоя; предложена модель прогноза концентрации метана в исходящей струе.",
    "Дегазация угольных пластов как средство предупреждения взрывов метана. Проанализированы "
    "результаты пластовой дегазации на шахтах Кемеровской области: заблаговременная дегазация "
    "снижает газообильность выемочных участков на 30-40 %.",
    "Система многофункционального контроля аэрогазовой обстановки в шахте: сеть датчиков метана, "
    "оксида углерода и скорости воздуха, автоматическое отключение электроэнергии при превышении "
    "допустимых концентраций.",
]

CHINESE_ONLY = [
    "煤矿采煤工作面瓦斯涌出量预测方法研究。分析了工作面推进速度对煤层瓦斯涌出的影响，"
    "建立了回风流瓦斯浓度预测模型。",
    "煤层瓦斯抽采技术在防治瓦斯爆炸中的应用。对比了本煤层预抽和邻近层抽采的效果，"
    "预抽使回采工作面瓦斯涌出量降低了三成以上。",
    "基于传感器网络的井下瓦斯、一氧化碳和风速实时监测系统，浓度超限时自动切断电源。",
]

ENGLISH_PROFILES = {
    "medical-imaging": [
        "Deep convolutional networks for segmentation of brain tumours in MRI scans, trained on "
        "multi-centre data.",
        "Uncertainty estimation for medical image classification with Bayesian neural networks.",
    ],
    "wheat": [
        "Genomic selection for drought tolerance in spring wheat: field trials in three "
        "environments identified markers for grain yield under water stress.",
        "Root architecture of wheat cultivars grown in saline soils.",
    ],
    "solar": [
        "Stability of perovskite solar cells under humidity and heat: encapsulation extends the "
        "lifetime of devices beyond 1000 hours.",
    ],
    "tourism": [
        "Cultural heritage tourism and regional development in post-industrial cities.",
    ],
    "urban-air": [
        "Fine particulate matter from residential coal heating in winter: low-cost sensors and "
        "dispersion modelling map PM2.5 exposure in city districts.",
        "Health effects of urban air pollution on children's respiratory function.",
    ],
    "robotics": [
        "Autonomous navigation of legged robots on rough terrain using reinforcement learning.",
    ],
}


@pytest.mark.model
@pytest.mark.parametrize(("language", "texts"), [("ru", RUSSIAN_ONLY), ("zh", CHINESE_ONLY)])
def test_foreign_language_only_researcher_ranks_first_by_default(
    language: str, texts: list[str]
) -> None:
    profiles = {f"{language}-methane": texts, **ENGLISH_PROFILES}
    corpus = [CALL, *(t for publications in profiles.values() for t in publications)]
    encoder = get_encoder(DEFAULT_BACKEND, corpus=corpus, threads=1)
    call = encoder.encode([CALL], kind="query")[0]
    scores = {
        name: float(np.max(encoder.calibrate(encoder.encode(publications) @ call)))
        for name, publications in profiles.items()
    }
    ranking = sorted(scores, key=scores.__getitem__, reverse=True)
    assert ranking[0] == f"{language}-methane", scores
