"""User-facing strings in English, simplified and traditional Chinese."""

from __future__ import annotations

from index.lang import Language

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {
        "en": "The article does not say.",
        "zh-Hans": "文章没有提到这一点。",
        "zh-Hant": "文章沒有提到這一點。",
    },
    "only_in_zh": {
        "en": "The article states this only in its Chinese text:",
        "zh-Hans": "",
        "zh-Hant": "",
    },
    "only_in_en": {
        "en": "",
        "zh-Hans": "这一点文章只在英文部分提到：",
        "zh-Hant": "這一點文章只在英文部分提到：",
    },
    "title_is": {
        "en": "The article's title is:",
        "zh-Hans": "文章的标题是：",
        "zh-Hant": "文章的標題是：",
    },
    "heading_is": {
        "en": "The section heading is:",
        "zh-Hans": "这一节的小标题是：",
        "zh-Hant": "這一節的小標題是：",
    },
    "credit_is": {
        "en": "The article is credited:",
        "zh-Hans": "文章署名：",
        "zh-Hant": "文章署名：",
    },
    "headings_are": {
        "en": "The section headings are:",
        "zh-Hans": "各节的小标题是：",
        "zh-Hant": "各節的小標題是：",
    },
    "generation_unverified": {
        "en": "The generated answer could not be checked against the article, so the article is quoted instead.",
        "zh-Hans": "生成的回答无法与文章核对，因此改为直接引用文章。",
        "zh-Hant": "生成的回答無法與文章核對，因此改為直接引用文章。",
    },
    "generation_failed": {
        "en": "The language model failed or did not answer in time, so the article is quoted instead.",
        "zh-Hans": "语言模型出错或未能及时回答，因此改为直接引用文章。",
        "zh-Hant": "語言模型出錯或未能及時回答，因此改為直接引用文章。",
    },
    "generation_declined": {
        "en": "The language model found no answer in the passages, but the article answers this, so it is quoted instead.",
        "zh-Hans": "语言模型在段落中没有找到答案，但文章回答了这个问题，因此改为直接引用文章。",
        "zh-Hant": "語言模型在段落中沒有找到答案，但文章回答了這個問題，因此改為直接引用文章。",
    },
    "generation_off_subject": {
        "en": "The generated answer is not about what the question names, so the article is quoted instead.",
        "zh-Hans": "生成的回答与问题所指的对象不符，因此改为直接引用文章。",
        "zh-Hant": "生成的回答與問題所指的對象不符，因此改為直接引用文章。",
    },
    "generation_incomplete": {
        "en": "The generated answer left out {parts}, so the article is quoted instead.",
        "zh-Hans": "生成的回答遗漏了{parts}，因此改为直接引用文章。",
        "zh-Hant": "生成的回答遺漏了{parts}，因此改為直接引用文章。",
    },
    "generation_incomplete_added": {
        "en": "The generated answer left out {parts}; the article's words for it were added.",
        "zh-Hans": "生成的回答遗漏了{parts}，已补上文章的原文。",
        "zh-Hant": "生成的回答遺漏了{parts}，已補上文章的原文。",
    },
    "also_says": {
        "en": "The article also says:",
        "zh-Hans": "文章还提到：",
        "zh-Hant": "文章還提到：",
    },
    "also_says_other": {
        "en": "The article's Chinese text also says:",
        "zh-Hans": "文章的英文部分还提到：",
        "zh-Hant": "文章的英文部分還提到：",
    },
    "generation_other_figures": {
        "en": "The generated answer gave other figures than the article's, so the article is quoted instead.",
        "zh-Hans": "生成的回答给出的数字与文章不符，因此改为直接引用文章。",
        "zh-Hant": "生成的回答給出的數字與文章不符，因此改為直接引用文章。",
    },
    "generation_echo": {
        "en": "The generated answer only repeated the question, so the article is quoted instead.",
        "zh-Hans": "生成的回答只是重复了问题，因此改为直接引用文章。",
        "zh-Hant": "生成的回答只是重複了問題，因此改為直接引用文章。",
    },
    "generation_trimmed": {
        "en": "A generated sentence the article does not support was left out.",
        "zh-Hans": "生成的回答中有文章不支持的句子，已删去。",
        "zh-Hant": "生成的回答中有文章不支持的句子，已刪去。",
    },
    "part_details": {
        "en": "details the article gives",
        "zh-Hans": "文章给出的细节",
        "zh-Hant": "文章給出的細節",
    },
    "part_figures": {"en": "the figures", "zh-Hans": "数字", "zh-Hant": "數字"},
    "part_date": {"en": "when", "zh-Hans": "时间", "zh-Hant": "時間"},
    "part_place": {"en": "where", "zh-Hans": "地点", "zh-Hant": "地點"},
    "part_number": {"en": "how many or how much", "zh-Hans": "数字", "zh-Hant": "數字"},
    "part_person": {"en": "who", "zh-Hans": "人物或机构", "zh-Hant": "人物或機構"},
    "part_name": {"en": "the name", "zh-Hans": "名称", "zh-Hant": "名稱"},
    "part_reason": {"en": "why", "zh-Hans": "原因", "zh-Hant": "原因"},
    "part_manner": {"en": "how", "zh-Hans": "方式", "zh-Hant": "方式"},
    "server_busy": {
        "en": "The server is busy; please try again in a few seconds.",
        "zh-Hans": "服务器繁忙，请几秒后重试。",
        "zh-Hant": "伺服器忙碌中，請幾秒後重試。",
    },
    "empty_question": {
        "en": "Please type a question.",
        "zh-Hans": "请输入问题。",
        "zh-Hant": "請輸入問題。",
    },
    "question_too_long": {
        "en": "The question is too long ({length} characters; the limit is {limit}).",
        "zh-Hans": "问题太长（{length} 个字符，上限为 {limit}）。",
        "zh-Hant": "問題太長（{length} 個字元，上限為 {limit}）。",
    },
    "control_characters": {
        "en": "The question contains control characters; please send plain text.",
        "zh-Hans": "问题包含控制字符，请发送纯文本。",
        "zh-Hant": "問題包含控制字元，請傳送純文字。",
    },
    "history_message_too_long": {
        "en": "A message in the conversation history is too long (the limit is {limit} characters).",
        "zh-Hans": "对话历史中有一条消息太长（上限为 {limit} 个字符）。",
        "zh-Hant": "對話歷史中有一則訊息太長（上限為 {limit} 個字元）。",
    },
    "unknown_documents": {
        "en": "No document has the id {ids}.",
        "zh-Hans": "没有编号为 {ids} 的文档。",
        "zh-Hant": "沒有編號為 {ids} 的文件。",
    },
    "history_too_long": {
        "en": "The conversation history is too long (the limit is {limit} turns).",
        "zh-Hans": "对话历史太长（上限为 {limit} 轮）。",
        "zh-Hant": "對話歷史太長（上限為 {limit} 輪）。",
    },
}


def message(key: str, language: Language | str = "en", **values: object) -> str:
    """The message ``key`` in ``language`` (English when that language has none)."""
    table = MESSAGES[key]
    text = table.get(language) or table["en"]
    return text.format(**values)
