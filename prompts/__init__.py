"""Prompt templates for the generative answerers, shipped as package data.

One file per name and language: ``<name>.<language>.txt`` (``answer.en.txt``). They are
loaded by name and rendered strictly by ``bot.generation.prompts``.
"""
