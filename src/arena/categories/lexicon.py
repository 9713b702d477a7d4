"""Seed vocabularies per tag, in the languages the labelled set covers.

A labelled set of a few hundred prompts cannot teach a lexical model that
"Fieber" and "发烧" are medical; these word stems can. Each tag's count of
distinct stems found in a prompt is one feature beside the hashed n-grams, and
training learns how much to trust it. Latin and Cyrillic stems match at a word
start (so "law" does not fire inside "lawn"); CJK stems match anywhere.
"""

from __future__ import annotations

import re

STEMS: dict[str, str] = {
    "coding": """code coding program python javascript typescript java rust golang c++ sql
        function method class variable compile debug error exception bug regex api script
        bash git docker kubernetes react node html css json array loop algorithm recursion
        stack trace segfault segmentation null pointer runtime library framework import
        código función programa compilar fehler funktion programmier code schleife
        fonction boucle programme код функци программ ошибк цикл переменн
        代码 函数 编程 报错 程序 变量 数组 コード 関数 プログラム 配列 エラー 코드 함수
        파이썬 بايثون دالة""",
    "math": """solve equation calculate compute integral derivative limit matrix eigen
        probability prime factor polynomial theorem prove proof sum product fraction
        percent sqrt square root logarithm log geometry triangle angle area volume
        algebra calculus vector modulo divisible average mean median variance deviation
        resuelve ecuación calcula raíz integral berechne gleichung ableitung wurzel
        prozent calcule équation dérivée racine pourcentage resolva equação quanto
        решите уравнение интеграл производн докажите вычисл сумм
        方程 计算 求解 证明 积分 导数 面积 概率 整除 数学 乘 の和 何度 いくつ 方程式
        값은 ناتج ضرب giải phương""",
    "creative_writing": """poem poetry story tale haiku limerick sonnet lyrics song verse
        fiction narrative character plot chapter monologue dialogue scene fairy fable
        bedtime imagine invent write a rap acrostic
        poema cuento historia escribe gedicht geschichte erzähl märchen poème histoire
        écris conte poesia escreva scrivi poesia стих сказк рассказ напиши придумай
        诗 故事 童话 写一 俳句 物語 詩 시를 시 이야기 قصيدة قصة""",
    "instruction_following": """exactly only nothing else no more than at most at least
        under words sentences bullet numbered list json format table one word lowercase
        capital letters uppercase without using do not don't must each line start with
        end with separated by comma reply with respond with answer with output only
        solo únicamente sin usar responde solo nur genau ohne einem wort nenne
        uniquement seulement un seul mot réponds apenas responda только одним словом
        ответь 只输出 不超过 一句话 用三个 分隔 一語 だけ で答え""",
    "medicine": """symptom disease doctor patient medication medicine drug dose pain fever
        flu infection virus bacteria vaccine diabetes cholesterol blood pressure heart
        cancer therapy treatment diagnosis clinical hospital side effect ibuprofen sleep
        stroke migraine headache allergy nurse surgery health diet
        síntoma enfermedad médico dolor fiebre salud medicamento
        symptom krankheit arzt schmerz fieber kopfschmerz gesundheit medikament
        symptôme maladie médecin douleur fièvre santé sintoma doença médico
        sintomi influenza симптом болезн врач грипп лекарств здоров боль
        症状 感冒 药 医生 疾病 血压 健康 発熱 風邪 病気 薬 두통 병원 증상
        أعراض مرض فيتامين objaw grypy""",
    "law": """law legal lawyer attorney court judge sue lawsuit contract lease landlord
        tenant rights illegal legally statute copyright trademark patent gdpr compliance
        liability will inheritance divorce fired employer regulation clause
        ley legal abogado derecho divorci contrato demanda gesetz recht anwalt kündig
        vertrag mieter vermieter gericht klage bgb loi droit avocat tribunal contrat
        lei direito advogado trabalhador justa causa закон право юрист суд договор
        наследств 法律 合同 律师 起诉 补偿 劳动 権利 法律 有給 弁護士 법률 قانون""",
    "finance": """invest investment stock bond etf fund portfolio interest rate mortgage
        loan credit debt savings retirement ira 401k inflation dividend bank market
        trading crypto bitcoin money budget compound valuation dcf hedge currency
        inversión ahorro hipoteca préstamo alquilar comprar una casa acciones
        invest sparplan aktie kredit zinsen geld finanz placement épargne assurance vie
        crédit banque investir tesouro investimento mutuo tasso инвест ипотек кредит
        вклад акци деньг 基金 投资 理财 股票 贷款 利率 nisa 投資 株 金利""",
    "accounting": """accounting accountant bookkeeping ledger journal entry debit credit
        balance sheet income statement trial balance depreciation accrual deferred
        revenue recognition gaap ifrs asc audit reconcile invoice vat tax deduction
        payroll gross margin cash flow statement
        contabilidad iva factura impuesto buchhaltung bilanz guv steuer
        comptabilité bilan comptable facture contabilità бухгалтер дебет баланс налог
        会计 资产负债表 账 税 簿記 会計 회계""",
    "marketing": """marketing campaign brand advertising ads seo social media instagram
        tiktok youtube influencer audience conversion funnel customer acquisition cac
        email newsletter tagline slogan promotion launch positioning segment engagement
        followers subscribers content strategy copywriting product description
        promocionar redes sociales publicidad marca campaña marketingstrategie werbung
        marque publicité taux de conversion campanha продвига реклам маркетинг
        营销 推广 广告 品牌 宣传 マーケティング 広告 마케팅""",
    "science": """physics chemistry biology astronomy science scientific experiment
        atom molecule cell dna gene evolution energy gravity light quantum particle
        planet star galaxy black hole climate photosynthesis entropy temperature
        boil freeze matter electron photon reaction
        física química biología planetas ciencia physik chemie himmel
        physique chimie biologie centrale nucléaire физик хими биолог вода кипит
        科学 物理 化学 生物 月亮 太阳 虹 宇宙 과학""",
    "education": """teach teacher student school class classroom lesson curriculum
        homework exam study learn learning quiz grade university college course
        tutor child kid reading essay sat montessori pedagogy
        aprender enseñar escuela estudiar examen lehr schule lernen unterricht kind
        école réviser bac enseigner élève escola учить школ экзамен егэ учени
        学习 孩子 学校 考试 教育 老师 勉強 学校 공부""",
    "software_engineering": """software architecture microservice database deploy
        devops kubernetes docker server backend frontend api scalability latency cache
        git ci cd testing unit test refactor code review infrastructure cloud aws
        postgres mysql redis queue distributed system design pattern
        arquitectura base de datos servidor datenbank architektur серверн
        架构 微服务 数据库 服务器 並行""",
    "business": """business company startup manager management employee team meeting
        strategy revenue growth customer client sales hire hiring salary negotiate
        interview resignation kpi swot business plan entrepreneur productivity
        operations leadership churn pricing
        empresa negocio equipo productividad unternehmen mitarbeiter geschäft team
        entreprise créer réunion empresa бизнес компани совещани сотрудник
        创业 公司 企业 管理 员工 团队 会議 会社 비즈니스""",
    "writing_and_literature": """novel book author literature literary poem poetry
        story essay writing write theme symbolism character narrator prose grammar
        proofread rewrite paragraph sentence metaphor simile shakespeare chapter
        novela libro autor literatura quijote roman buch autor literatur gedicht
        roman livre auteur littérature camus poème livro poesia литератур роман книг
        стих 文学 小说 诗 作家 小説 文学 詩 俳句 문학 시""",
    "entertainment": """movie film series tv show netflix anime game video game
        playstation ps5 xbox nintendo zelda mario music song singer band album
        concert celebrity actor marvel harry potter world cup football soccer
        tennis cricket sport podcast trivia board game
        película serie fútbol copa juego film série jeux filme jogo copa do mundo
        spiel brettspiel fußball фильм сериал игр футбол 电影 电视剧 游戏 足球
        アニメ 映画 ゲーム 드라마 영화 campionato""",
}

_LATIN = re.compile(r"^[\w+\-'.]", re.ASCII)


def _pattern(words: str) -> re.Pattern[str]:
    stems = sorted(
        {w.lower() for w in words.split() if len(w) > 2 or ord(w[0]) >= 0x2E80},
        key=len,
        reverse=True,
    )
    parts = []
    for stem in stems:
        cjk = any(ord(ch) >= 0x2E80 for ch in stem)
        parts.append(re.escape(stem) if cjk else r"(?<!\w)" + re.escape(stem))
    return re.compile("|".join(parts))


PATTERNS = {tag: _pattern(words) for tag, words in STEMS.items()}
LEXICON_TAGS = tuple(PATTERNS)


def lexicon_counts(text: str) -> list[float]:
    """Distinct stems found per tag (capped at 3), in ``LEXICON_TAGS`` order."""
    low = text[:4000].lower()
    return [min(len(set(p.findall(low))), 3) / 3 for p in PATTERNS.values()]
