"""The web server: FastAPI app, REST and OpenAI-compatible routes, security, Gradio UI, widget."""
