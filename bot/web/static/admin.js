/* zhen admin page: the admin token (this tab only), uploads with progress, the documents
   with a delete button each. Every call sends Authorization: Bearer <token>. */
(function () {
  "use strict";
  var KEY = "zhen-admin-token";
  var $ = function (id) { return document.getElementById(id); };
  var tokenBox = $("token"), tokenState = $("token-state"), message = $("message");
  var progress = $("progress"), files = $("files"), send = $("send");
  var rows = document.querySelector("#documents tbody");

  function token() { return sessionStorage.getItem(KEY) || ""; }
  function auth() { return { Authorization: "Bearer " + token() }; }
  function say(node, text, kind) {
    node.textContent = text;
    node.className = kind || "hint";
  }
  function problem(data, status) {
    var e = data && data.error;
    return e && e.message ? e.message + " (" + e.code + ")" : "HTTP " + status;
  }
  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function render(documents) {
    rows.textContent = "";
    documents.forEach(function (d) {
      var row = document.createElement("tr");
      row.setAttribute("data-id", d.id);
      cell(row, d.id);
      var titles = [d.titles.en, d.titles.zh].filter(Boolean);
      cell(row, titles.length ? titles.join(" · ") : "—");
      cell(row, d.pages === null ? "—" : String(d.pages), "num");
      cell(row, String(d.passages), "num");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "delete";
      remove.textContent = "Delete · 删除";
      remove.addEventListener("click", function () { drop(d.id); });
      cell(row, "").appendChild(remove);
      rows.appendChild(row);
    });
  }

  async function load() {
    var res = await fetch("/api/admin/documents", { headers: auth(), credentials: "omit" });
    var data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (res.status === 403) {
      $("disabled").hidden = false;
      $("admin").hidden = true;
      return;
    }
    if (res.status === 401) {
      rows.textContent = "";
      say(tokenState, token() ? "Wrong token. · 令牌错误。" : "Enter the admin token. · 请输入管理令牌。", "bad");
      return;
    }
    if (!res.ok) { say(tokenState, problem(data, res.status), "bad"); return; }
    say(tokenState, "Signed in. · 已登录。", "good");
    render(data.documents);
  }

  async function drop(id) {
    if (!window.confirm("Delete " + id + "? · 删除 " + id + "？")) return;
    var res = await fetch("/api/documents/" + encodeURIComponent(id), {
      method: "DELETE", headers: auth(), credentials: "omit"
    });
    var data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (res.ok) say(message, "Deleted · 已删除: " + id, "good");
    else say(message, problem(data, res.status), "bad");
    load();
  }

  function upload(event) {
    event.preventDefault();
    if (!files.files.length) { say(message, "Choose one or two files. · 请选择一个或两个文件。", "bad"); return; }
    var form = new FormData();
    Array.prototype.forEach.call(files.files, function (f) { form.append("files", f, f.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents");
    xhr.setRequestHeader("Authorization", "Bearer " + token());
    xhr.responseType = "json";
    progress.hidden = false;
    progress.value = 0;
    send.disabled = true;
    say(message, "Uploading… · 上传中…");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    };
    xhr.upload.onload = function () { say(message, "Reading and indexing… · 正在读取和索引…"); };
    xhr.onload = function () {
      send.disabled = false;
      progress.value = 100;
      if (xhr.status === 201) {
        var ids = xhr.response.documents.map(function (d) { return d.id; }).join(", ");
        say(message, "Added · 已添加: " + ids, "good");
        files.value = "";
        load();
      } else {
        say(message, problem(xhr.response, xhr.status), "bad");
      }
    };
    xhr.onerror = function () {
      send.disabled = false;
      say(message, "The upload failed (network). · 上传失败（网络）。", "bad");
    };
    xhr.send(form);
  }

  $("use-token").addEventListener("click", function () {
    sessionStorage.setItem(KEY, tokenBox.value.trim());
    load();
  });
  tokenBox.addEventListener("keydown", function (e) {
    if (e.key === "Enter") $("use-token").click();
  });
  $("upload").addEventListener("submit", upload);
  tokenBox.value = token();
  load();
})();
