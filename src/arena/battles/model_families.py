"""Well-known model families: the makers and the product names a model may call itself.

Why a table: a registry entry says ``organization: OpenAI, Inc.`` but the reply says
"I'm ChatGPT" or "我是通义千问"; neither string equals the other. Each family lists its
makers (company names, in the scripts they are written in) and its products (model and
assistant names). A registry entry belongs to a family when its organization, name,
upstream model id or aliases contain one of these; see ``arena.battles.identity``.

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


FAMILIES: dict[str, Family] = {
    "openai": Family(
        makers=("OpenAI", "Open AI", "オープンAI", "오픈AI", "오픈에이아이"),
        products=(
            "ChatGPT", "Chat GPT", "GPT", "GPT-3.5", "GPT-4", "GPT-4o", "GPT-5", "o1", "o3",
            "o4-mini", "チャットGPT", "챗GPT", "챗지피티",
        ),
    ),
    "anthropic": Family(
        makers=("Anthropic", "アンソロピック", "앤트로픽", "Anthropic公司"),
        products=("Claude", "クロード", "클로드", "克劳德"),
    ),
    "meta": Family(
        makers=("Meta", "Meta AI", "Facebook", "FAIR", "脸书", "メタ", "메타"),
        products=("Llama", "LLaMA", "Code Llama", "ラマ", "라마"),
    ),
    "google": Family(
        makers=("Google", "DeepMind", "Google DeepMind", "Google Brain", "谷歌", "グーグル", "구글"),
        products=("Gemini", "Gemma", "Bard", "PaLM", "LaMDA", "ジェミニ", "제미나이", "双子座"),
    ),
    "alibaba": Family(
        makers=(
            "Alibaba", "Alibaba Cloud", "Aliyun", "阿里巴巴", "阿里云", "阿里", "通义实验室",
            "アリババ", "アリババクラウド", "알리바바", "알리바바 클라우드",
        ),
        products=("Qwen", "QwQ", "Tongyi", "Tongyi Qianwen", "通义千问", "通义", "千问", "通義千問"),
    ),
    "mistral": Family(
        makers=("Mistral", "Mistral AI"),
        products=("Mistral", "Mixtral", "Le Chat", "Codestral", "Ministral", "Pixtral"),
    ),
    "deepseek": Family(
        makers=("DeepSeek", "深度求索", "DeepSeek AI"),
        products=("DeepSeek", "DeepSeek-V3", "DeepSeek-R1", "DeepSeek Chat"),
    ),
    "microsoft": Family(
        makers=("Microsoft", "Microsoft Research", "微软", "マイクロソフト", "마이크로소프트"),
        products=("Phi", "Copilot", "Orca"),
    ),
    "xai": Family(makers=("xAI", "X.AI"), products=("Grok",)),
    "huggingface": Family(
        makers=("Hugging Face", "HuggingFace", "HF"),
        products=("SmolLM", "Zephyr", "HuggingChat"),
    ),
    "cohere": Family(
        makers=("Cohere", "Cohere For AI"),
        products=("Command", "Command R", "Command R+", "Command-R-Plus", "Coral", "Aya"),
    ),
    "zhipu": Family(
        makers=("Zhipu", "Zhipu AI", "智谱", "智谱AI", "清华KEG", "Tsinghua KEG"),
        products=("GLM", "ChatGLM", "智谱清言", "清言", "CodeGeeX"),
    ),
    "moonshot": Family(
        makers=("Moonshot", "Moonshot AI", "月之暗面"),
        products=("Kimi",),
    ),
    "baidu": Family(
        makers=("Baidu", "百度"),
        products=("ERNIE", "ERNIE Bot", "文心一言", "文心", "文心大模型"),
    ),
    "01ai": Family(
        makers=("01.AI", "零一万物", "Lingyiwanwu"),
        products=("Yi", "万知"),
    ),
    "bytedance": Family(
        makers=("ByteDance", "字节跳动", "字节"),
        products=("Doubao", "豆包", "Skylark", "云雀"),
    ),
    "tencent": Family(makers=("Tencent", "腾讯"), products=("Hunyuan", "混元", "元宝")),
    "iflytek": Family(makers=("iFlytek", "科大讯飞", "讯飞"), products=("Spark", "讯飞星火", "星火")),
    "minimax": Family(makers=("MiniMax", "稀宇科技"), products=("abab", "Hailuo", "海螺")),
    "amazon": Family(makers=("Amazon", "AWS", "Amazon Web Services"), products=("Nova", "Titan")),
    "nvidia": Family(makers=("NVIDIA",), products=("Nemotron",)),
    "ai21": Family(makers=("AI21", "AI21 Labs"), products=("Jamba", "Jurassic")),
    "ibm": Family(makers=("IBM",), products=("Granite",)),
    "allenai": Family(makers=("Allen Institute for AI", "AI2", "Ai2"), products=("OLMo", "Tulu")),
    "stability": Family(makers=("Stability AI",), products=("StableLM",)),
    "sber": Family(makers=("Sber", "Сбер", "Сбербанк"), products=("GigaChat", "ГигаЧат")),
    "yandex": Family(makers=("Yandex", "Яндекс"), products=("YandexGPT", "ЯндексGPT")),
}

# Words that end a company's name without naming it: "OpenAI, Inc." is OpenAI.
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    {
        "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "pbc", "gmbh", "ag", "sa",
        "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "kk", "plc", "pte", "pty",
        "co", "corp", "corporation", "company", "platforms", "holdings", "group",
        "有限公司", "股份有限公司", "公司", "株式会社",
    }
)
# Words that describe a company without naming it: "Acme Labs" is also "Acme".
DESCRIPTOR_WORDS: frozenset[str] = frozenset(
    {
        "ai", "labs", "lab", "research", "technologies", "technology", "tech", "systems",
        "cloud", "artificial", "intelligence", "software", "the",
    }
)
