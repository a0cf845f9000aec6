/* zhen chat widget: a launcher button and a chat panel in a Shadow DOM, streaming answers
   from the zhen server this script was loaded from. No external requests. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__zhenWidget) return;
  window.__zhenWidget = true;
  var base = new URL(script.src, location.href).origin;
  var attr = function (name, fallback) {
    var v = script.getAttribute("data-" + name);
    return v === null || v === "" ? fallback : v;
  };
  var lang = attr("lang", "auto");
  if (lang === "auto") lang = /^zh/i.test(navigator.language || "") ? "zh" : "en";
  var T = {
    en: { title: "Ask the article", placeholder: "Ask a question…", send: "Send",
          open: "Open chat", close: "Close chat", sources: "Sources", all: "Search all articles", page: "p. ",
          translation: "Translation", thinking: "…", failed: "Sorry, the question could not be answered.",
          greeting: "Hello! Ask me anything about the article, in English or Chinese." },
    zh: { title: "向文章提问", placeholder: "请输入问题…", send: "发送",
          open: "打开对话", close: "关闭对话", sources: "出处", all: "搜索全部文章", page: "第 ", pageEnd: " 页",
          translation: "译文", thinking: "…", failed: "抱歉，无法回答这个问题。",
          greeting: "你好！可以用中文或英文问我关于这篇文章的问题。" }
  }[lang === "zh" ? "zh" : "en"];
  var LANG_LABEL = { zh: "中文", en: "English" };
  var color = /^#[0-9a-fA-F]{3,8}$/.test(attr("color", "")) ? attr("color") : "#2563eb";
  var position = attr("position", "bottom-right") === "bottom-left" ? "left" : "right";
  var embedded = attr("embed", "false") === "true";
  var title = attr("title", T.title);
  var greeting = attr("greeting", T.greeting);
  var history = [];
  // data-documents="ID,ID": every question is limited to those documents (unless "all" is on)
  var scope = attr("documents", "").split(",").map(function (s) { return s.trim(); })
    .filter(Boolean);

  // a custom element (host rules for div etc. do not match it), reset inline
  var host = document.createElement("zhen-chat-widget");
  host.setAttribute("data-zhen-widget", "");
  host.style.cssText = "all:initial !important;display:block !important;border:0 !important";
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',sans-serif}",
    ".wrap{position:fixed;bottom:20px;" + position + ":20px;z-index:2147483000;font-size:14px;line-height:1.45;color:#111827}",
    ".wrap.embed{position:static;height:100vh;width:100%}",
    ".launcher{width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:var(--c);color:#fff;font-size:24px;box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".panel{display:none;flex-direction:column;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 100px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;margin-bottom:12px}",
    ".embed .panel{width:100%;max-width:none;height:100%;max-height:none;border-radius:0;box-shadow:none;margin:0}",
    ".open .panel{display:flex}.open .launcher{display:none}.embed .launcher{display:none}",
    ".head{background:var(--c);color:#fff;padding:10px 12px;display:flex;align-items:center;justify-content:space-between;font-weight:600}",
    ".head button{background:transparent;border:0;color:#fff;font-size:18px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f9fafb}",
    ".msg{margin:0 0 10px;padding:8px 10px;border-radius:10px;max-width:90%;white-space:pre-wrap;word-wrap:break-word}",
    ".user{background:var(--c);color:#fff;margin-left:auto}",
    ".bot{background:#fff;border:1px solid #e5e7eb}",
    ".err{background:#fef2f2;border:1px solid #fecaca;color:#991b1b}",
    ".cites{margin-top:6px;font-size:12px;color:#4b5563}",
    ".cite{display:inline-block;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:top;margin:2px 4px 2px 0;padding:1px 7px;border:1px solid #d1d5db;border-radius:10px;background:#f3f4f6;cursor:pointer;font-size:12px;color:#111827}",
    ".scope{display:flex;align-items:center;gap:6px;padding:4px 12px;font-size:12px;color:#4b5563;border-bottom:1px solid #e5e7eb;background:#fff;cursor:pointer}",
    ".scope input{flex:none;margin:0;padding:0}",
    ".passage{margin-top:6px;padding:6px 8px;border-left:3px solid var(--c);background:#f9fafb;font-size:12.5px;white-space:normal}",
    ".lbl{display:block;font-size:11px;color:#6b7280;text-transform:uppercase;margin-top:4px}",
    "mark{background:#fde68a;color:inherit}",
    "form{display:flex;border-top:1px solid #e5e7eb;background:#fff}",
    "input{flex:1;border:0;padding:12px;font-size:14px;outline:none;color:#111827;background:#fff}",
    "form button{border:0;background:var(--c);color:#fff;padding:0 16px;cursor:pointer;font-size:14px}",
    "form button:disabled{opacity:.5;cursor:default}"
  ].join("\n");
  root.appendChild(style);

  var wrap = el("div", "wrap" + (embedded ? " embed open" : ""));
  wrap.style.setProperty("--c", color);
  var panel = el("div", "panel");
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var head = el("div", "head");
  head.appendChild(el("span", "", title));
  var closeBtn = el("button", "close", "×");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", T.close);
  if (!embedded) head.appendChild(closeBtn);
  var log = el("div", "log");
  log.setAttribute("aria-live", "polite");
  var form = el("form");
  var input = el("input");
  input.type = "text";
  input.placeholder = T.placeholder;
  input.maxLength = 2000;
  input.setAttribute("aria-label", T.placeholder);
  var sendBtn = el("button", "send", T.send);
  sendBtn.type = "submit";
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  var all = null;
  if (scope.length) {
    var switchRow = el("label", "scope");
    all = el("input");
    all.type = "checkbox";
    switchRow.appendChild(all);
    switchRow.appendChild(el("span", "", T.all));
    panel.appendChild(switchRow);
  }
  panel.appendChild(log);
  panel.appendChild(form);
  var launcher = el("button", "launcher", "💬");
  launcher.type = "button";
  launcher.setAttribute("aria-label", T.open);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);
  root.appendChild(wrap);
  bubble("bot", greeting);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function bubble(kind, text) {
    var b = el("div", "msg " + kind, text);
    log.appendChild(b);
    log.scrollTop = log.scrollHeight;
    return b;
  }
  function setOpen(open) {
    wrap.classList.toggle("open", open);
    if (open) input.focus();
  }
  launcher.addEventListener("click", function () { setOpen(true); });
  closeBtn.addEventListener("click", function () { setOpen(false); });
  if (attr("open", "false") === "true") setOpen(true);

  function highlighted(text, spans) {
    var frag = document.createDocumentFragment(), last = 0;
    (spans || []).slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (s) {
      var start = Math.max(s[0], last);
      if (s[1] <= start) return;
      frag.appendChild(document.createTextNode(text.slice(last, start)));
      frag.appendChild(el("mark", "", text.slice(start, s[1])));
      last = s[1];
    });
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }
  // "Title · p. 3": where a citation comes from, instead of its internal passage id
  function source(c) {
    var where = c.doc_title || c.doc_id || c.passage_id;
    if (c.page) where += " · " + T.page + c.page + (T.pageEnd || "");
    return where;
  }
  function showCitations(b, answer) {
    if (!answer.citations || !answer.citations.length) return;
    var box = el("div", "cites", T.sources + ": ");
    var passage = el("div", "passage");
    passage.hidden = true;
    var shown = null;
    answer.citations.forEach(function (c) {
      var btn = el("button", "cite", "[" + c.n + "] " + source(c));
      btn.type = "button";
      btn.title = source(c);
      btn.addEventListener("click", function () {
        if (shown === c.n) { passage.hidden = true; shown = null; return; }
        shown = c.n;
        passage.textContent = "";
        passage.appendChild(el("span", "lbl", "[" + c.n + "] " + source(c) + " · " + (LANG_LABEL[c.lang] || c.lang)));
        var p = el("div");
        p.appendChild(highlighted(c.text, c.highlight));
        passage.appendChild(p);
        if (c.translation) {
          passage.appendChild(el("span", "lbl", T.translation + " · " + (LANG_LABEL[c.lang === "zh" ? "en" : "zh"])));
          passage.appendChild(el("div", "", c.translation));
        }
        passage.hidden = false;
      });
      box.appendChild(btn);
    });
    b.appendChild(box);
    b.appendChild(passage);
  }
  function errorText(data) {
    return data && data.error && data.error.message ? data.error.message : T.failed;
  }
  function fail(b, text) {
    b.className = "msg err";
    b.textContent = text;
  }

  function post(question, turns) {
    var body = { question: question, history: turns };
    if (scope.length && !(all && all.checked)) body.documents = scope;
    return fetch(base + "/api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify(body),
      credentials: "omit",
      mode: "cors"
    });
  }

  async function ask(question) {
    bubble("user", question);
    var b = bubble("bot", T.thinking);
    var text = "", answer = null;
    sendBtn.disabled = true;
    try {
      var res = await post(question, history.slice(-20));
      if (res.status === 422 && history.length) {
        // The server may keep fewer turns than the widget: start a fresh conversation.
        var first = null;
        try { first = await res.clone().json(); } catch (e) { /* not JSON */ }
        if (first && first.error && first.error.code === "history_too_long") {
          history = [];
          res = await post(question, []);
        }
      }
      if (!res.ok) {
        var data = null;
        try { data = await res.json(); } catch (e) { /* not JSON */ }
        fail(b, errorText(data));
        return;
      }
      var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "";
      for (;;) {
        var step = await reader.read();
        if (step.done) break;
        buffer += decoder.decode(step.value, { stream: true });
        var cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          var block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          var event = "message", payload = "";
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event:") === 0) event = line.slice(6).trim();
            else if (line.indexOf("data:") === 0) payload += line.slice(5).trim();
          });
          if (!payload) continue;
          var obj = JSON.parse(payload);
          if (event === "token") {
            text += obj.text;
            b.textContent = text;
          } else if (event === "answer") {
            answer = obj;
            b.textContent = obj.answer;
            showCitations(b, obj);
          } else if (event === "error") {
            fail(b, errorText(obj));
          }
          log.scrollTop = log.scrollHeight;
        }
      }
      if (answer) {
        history.push({ role: "user", content: question }, { role: "assistant", content: answer.answer });
      } else if (b.className.indexOf("err") < 0) {
        fail(b, T.failed);
      }
    } catch (e) {
      fail(b, T.failed);
    } finally {
      sendBtn.disabled = false;
      log.scrollTop = log.scrollHeight;
    }
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q || sendBtn.disabled) return;
    input.value = "";
    ask(q);
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
