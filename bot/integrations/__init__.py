"""zhen inside other frameworks (LangChain)."""
