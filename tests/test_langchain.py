"""zhen as a LangChain retriever: the standard retriever tests, and an LCEL chain."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnablePassthrough
from langchain_tests.integration_tests import RetrieversIntegrationTests

from bot.errors import UnknownDocuments
from bot.integrations.langchain import ZhenRetriever


class TestZhenRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _zhen(self, fake_zhen):
        self.zhen = fake_zhen

    @property
    def retriever_constructor(self) -> type[ZhenRetriever]:
        return ZhenRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"zhen": self.zhen, "k": 4}

    @property
    def retriever_query_example(self) -> str:
        return "When did Tianjin and Kobe become friendship cities?"


def test_documents_are_the_passages_the_answer_cites_from(fake_zhen):
    question = "When did Tianjin and Kobe become friendship cities?"
    answer = fake_zhen.ask(question)
    docs = fake_zhen.as_retriever(k=5).invoke(question)
    assert [d.metadata["passage_id"] for d in docs] == [h.chunk.id for h in answer.hits]
    cited = answer.citations[0]
    doc = next(d for d in docs if d.metadata["passage_id"] == cited.passage_id)
    assert doc.page_content == cited.text
    assert doc.metadata["translation"] == cited.translation
    assert doc.metadata["doc_id"] == "friendship-cities"


def test_documents_come_in_the_askers_language_with_the_translation_attached(real_zhen):
    docs = real_zhen.as_retriever(k=3).invoke("天津和神户什么时候结为友好城市？")
    assert docs[0].metadata["lang"] == "zh" and "天津" in docs[0].page_content
    assert "Tianjin" in docs[0].metadata["translation"]
    english = real_zhen.as_retriever(k=3).invoke("When did Tianjin and Kobe become twin cities?")
    assert english[0].metadata["lang"] == "en" and "Tianjin" in english[0].page_content


def test_a_scope_naming_an_unknown_document_is_refused(fake_zhen):
    with pytest.raises(UnknownDocuments, match="another-article"):
        fake_zhen.as_retriever(documents=["another-article"]).invoke("Tianjin Kobe")
    scoped = fake_zhen.as_retriever(documents=["friendship-cities"]).invoke("Tianjin Kobe")
    assert scoped and all(d.metadata["doc_id"] == "friendship-cities" for d in scoped)


def test_the_retriever_feeds_an_lcel_chain(fake_zhen):
    prompts: list[str] = []

    def format_docs(docs: list[Document]) -> str:
        return "\n\n".join(f"[{i}] {d.page_content}" for i, d in enumerate(docs, 1))

    class RecordingModel(FakeListChatModel):
        def _call(self, messages, stop=None, run_manager=None, **kwargs):
            prompts.append(messages[-1].content)
            return super()._call(messages, stop, run_manager, **kwargs)

    prompt = ChatPromptTemplate.from_template(
        "Answer from these passages only, citing [n].\n\n{context}\n\nQuestion: {question}"
    )
    chain = (
        {"context": fake_zhen.as_retriever(k=3) | format_docs, "question": RunnablePassthrough()}
        | prompt
        | RecordingModel(responses=["In 1973 [1]."])
        | StrOutputParser()
    )
    assert chain.invoke("When did Tianjin and Kobe become friendship cities?") == "In 1973 [1]."
    assert "[1]" in prompts[0] and "1973" in prompts[0]
