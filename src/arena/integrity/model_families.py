"""Well-known model families: the makers and the product names a model may call itself.

Why a table: a registry entry says ``organization: OpenAI, Inc.`` but the reply says
"I'm ChatGPT" or "我是通义千问"; neither string equals the other. Each family lists its
makers (company names, in the scripts they are written in) and its products (model and
assistant names). A registry entry belongs to a family when its organization, name,
upstream model id or aliases contain one of these; see ``arena.integrity.identity``.

Spelling variants that normalisation cannot derive (a space inside a word: "Open AI",
another script: "谷歌") are listed here. Case, width, zero-width characters, Markdown
emphasis and hyphenation ("GPT4" / "GPT-4" / "gpt 4") are handled by normalisation.
Maintain by adding entries; a term shorter than two characters is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    makers: tuple[str, ...]
    products: tuple[str, ...]


def _items(text: str) -> tuple[str, ...]:
    """Items of a "|"- or line-separated list (one spelling per item, spaces allowed)."""
    return tuple(w.strip() for w in text.replace("\n", "|").split("|") if w.strip())


def _family(makers: str, products: str) -> Family:
    return Family(_items(makers), _items(products))


FAMILIES: dict[str, Family] = {
    "openai": _family(
        "OpenAI | Open AI | オープンAI | 오픈AI | 오픈에이아이",
        (
            "ChatGPT | Chat GPT | GPT | GPT-3.5 | GPT-4 | GPT-4o | GPT-5 | o1 | o3 | o4-mini | "
            "チャットGPT | 챗GPT | 챗지피티"
        ),
    ),
    "anthropic": _family(
        "Anthropic | アンソロピック | 앤트로픽 | Anthropic公司",
        "Claude | クロード | 클로드 | 克劳德",
    ),
    "meta": _family(
        "Meta | Meta AI | Facebook | FAIR | 脸书 | メタ | 메타",
        "Llama | LLaMA | Code Llama | ラマ | 라마",
    ),
    "google": _family(
        "Google | DeepMind | Google DeepMind | Google Brain | 谷歌 | グーグル | 구글",
        "Gemini | Gemma | Bard | PaLM | LaMDA | ジェミニ | 제미나이 | 双子座",
    ),
    "alibaba": _family(
        (
            "Alibaba | Alibaba Cloud | Aliyun | 阿里巴巴 | 阿里云 | 阿里 | 通义实验室 | アリババ | "
            "アリババクラウド | 알리바바 | 알리바바 클라우드"
        ),
        "Qwen | QwQ | Tongyi | Tongyi Qianwen | 通义千问 | 通义 | 千问 | 通義千問",
    ),
    "mistral": _family(
        "Mistral | Mistral AI",
        "Mistral | Mixtral | Le Chat | Codestral | Ministral | Pixtral",
    ),
    "deepseek": _family(
        "DeepSeek | 深度求索 | DeepSeek AI",
        "DeepSeek | DeepSeek-V3 | DeepSeek-R1 | DeepSeek Chat",
    ),
    "microsoft": _family(
        "Microsoft | Microsoft Research | 微软 | マイクロソフト | 마이크로소프트",
        "Phi | Copilot | Orca",
    ),
    "xai": _family(
        "xAI | X.AI",
        "Grok",
    ),
    "huggingface": _family(
        "Hugging Face | HuggingFace | HF",
        "SmolLM | Zephyr | HuggingChat",
    ),
    "cohere": _family(
        "Cohere | Cohere For AI",
        "Command | Command R | Command R+ | Command-R-Plus | Coral | Aya",
    ),
    "zhipu": _family(
        "Zhipu | Zhipu AI | 智谱 | 智谱AI | 清华KEG | Tsinghua KEG",
        "GLM | ChatGLM | 智谱清言 | 清言 | CodeGeeX",
    ),
    "moonshot": _family(
        "Moonshot | Moonshot AI | 月之暗面",
        "Kimi",
    ),
    "baidu": _family(
        "Baidu | 百度",
        "ERNIE | ERNIE Bot | 文心一言 | 文心 | 文心大模型",
    ),
    "01ai": _family(
        "01.AI | 零一万物 | Lingyiwanwu",
        "Yi | 万知",
    ),
    "bytedance": _family(
        "ByteDance | 字节跳动 | 字节",
        "Doubao | 豆包 | Skylark | 云雀",
    ),
    "tencent": _family(
        "Tencent | 腾讯",
        "Hunyuan | 混元 | 元宝",
    ),
    "iflytek": _family(
        "iFlytek | 科大讯飞 | 讯飞",
        "Spark | 讯飞星火 | 星火",
    ),
    "minimax": _family(
        "MiniMax | 稀宇科技",
        "abab | Hailuo | 海螺",
    ),
    "amazon": _family(
        "Amazon | AWS | Amazon Web Services",
        "Nova | Titan",
    ),
    "nvidia": _family(
        "NVIDIA",
        "Nemotron",
    ),
    "ai21": _family(
        "AI21 | AI21 Labs",
        "Jamba | Jurassic",
    ),
    "ibm": _family(
        "IBM",
        "Granite",
    ),
    "allenai": _family(
        "Allen Institute for AI | AI2 | Ai2",
        "OLMo | Tulu",
    ),
    "stability": _family(
        "Stability AI",
        "StableLM",
    ),
    "sber": _family(
        "Sber | Сбер | Сбербанк",
        "GigaChat | ГигаЧат",
    ),
    "yandex": _family(
        "Yandex | Яндекс",
        "YandexGPT | ЯндексGPT",
    ),
}

# Words that end a company's name without naming it: "OpenAI, Inc." is OpenAI.
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    _items(
        """
        ab | ag | as | bv | co | kk | lp | nv | oy | sa | 公司 | inc | llc | llp | ltd | pbc
        plc | pte | pty | sas | spa | srl | corp | gmbh | sarl | 有限公司 | 株式会社 | group
        股份有限公司 | company | limited | holdings | platforms | corporation | incorporated
        """
    )
)
# Words that describe a company without naming it: "Acme Labs" is also "Acme".
DESCRIPTOR_WORDS: frozenset[str] = frozenset(
    _items(
        """
        ai | lab | the | labs | tech | cloud | systems | research | software | artificial
        technology | intelligence | technologies
        """
    )
)
