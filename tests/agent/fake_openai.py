"""A real HTTP server on loopback speaking OpenAI chat-completions, scripted like a model with tool calls.

It is the network edge we cannot reach (a local Ollama or vLLM), played by a fake that records every
request it receives.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any]   # {"tool": name, "args": {...}} or {"text": "..."}


def completion(reply: Reply, model: str) -> dict[str, Any]:
    if "tool" in reply:
        message = {"role": "assistant", "content": None, "tool_calls": [{
            "id": f"call_{reply['tool']}", "type": "function",
            "function": {"name": reply["tool"], "arguments": json.dumps(reply["args"])}}]}
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": reply["text"]}, "stop"
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 1762439400, "model": model,
            "choices": [{"index": 0, "finish_reason": finish, "message": message}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}}


class FakeChatServer:
    """Serves POST /v1/chat/completions; `script(request_body) -> Reply` decides each answer."""

    def __init__(self, script: Callable[[dict[str, Any]], Reply]) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                payload = json.dumps(completion(server.script(body), body.get("model", "test"))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
