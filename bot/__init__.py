"""zhen: bilingual (Chinese ⇄ English) question answering over articles, with citations."""

__version__ = "0.1.0"
