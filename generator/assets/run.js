/* Run a procedure: a clock from the first report, each step's deadline, ticks with their
 * times and who ticked them, the overdue steps marked, the escalation rung due now with its
 * numbers, and at the end an incident record to print on A4 or save as a file.
 *
 * Everything stays in this browser (localStorage): nothing is sent anywhere, the run
 * survives a reload, a lost network and the offline copy opened from disk (file://).
 * Several runs can be open at once (two lifts stuck at the same time); each tab follows
 * one of them.  The clock is Date.now(), so tests drive it with Playwright's clock.
 */
(function () {
  "use strict";

  var head = document.querySelector("[data-hb-proc]");
  if (!head) return;

  var KEY = "hb-runs-v1";
  var NAME_KEY = "hb-run-name";
  var proc = head.getAttribute("data-hb-proc");
  var lang = head.getAttribute("data-hb-lang") === "en" ? "en" : "zh";
  var title = head.getAttribute("data-hb-title") || document.title;
  var siteName = head.getAttribute("data-hb-site") || "";

  var WORDS = {
    zh: {
      running: "处置进行中", elapsed: "已用时", started: "开始", ended: "结束", yourName: "值班人姓名（填一次）",
      namePlaceholder: "例如：张三", dueNow: "现在应通知", nextRung: "下一级", inMin: "分钟", none: "暂无",
      deadline: "截止", done: "完成", by: "", overdue: "已超时", notDone: "未完成", onTime: "按时",
      late: "超时", end: "结束并生成事件记录", confirmEnd: "结束这次处置并生成事件记录？", newRun: "再开始一次处置",
      open: "进行中的处置", switchTo: "切换到", record: "事件记录", step: "步骤", owner: "负责岗位",
      limit: "时限", notes: "备注（经过、到场时间、通知了谁……）", print: "打印（A4）",
      save: "保存为文件", close: "关闭", recent: "最近的事件记录", view: "查看", property: "物业",
      duration: "历时", tickedBy: "勾选人", aftercare: "善后", rungs: "升级上报", reached: "已到时",
      localOnly: "只保存在本机浏览器里，不会发送到任何地方。", at: "于", minShort: "分钟",
      colon: "：", inPrefix: "还有 ", fromMinute: function (n) { return n === 0 ? "立即" : "第 " + n + " 分钟起"; },
      overdueCount: "超时步骤"
    },
    en: {
      running: "Response running", elapsed: "Elapsed", started: "Started", ended: "Ended", yourName: "Your name (typed once)",
      namePlaceholder: "e.g. Li Na", dueNow: "Tell now", nextRung: "Next", inMin: "min", none: "nothing yet",
      deadline: "Due", done: "Done", by: "by", overdue: "Overdue", notDone: "Not done", onTime: "On time",
      late: "Late", end: "End and make the incident record", confirmEnd: "End this response and make the incident record?", newRun: "Start another response",
      open: "Responses running", switchTo: "Switch to", record: "Incident record", step: "Step", owner: "Owner",
      limit: "Time limit", notes: "Notes (what happened, arrival times, who was told …)", print: "Print (A4)",
      save: "Save as a file", close: "Close", recent: "Recent incident records", view: "Open", property: "Property",
      duration: "Duration", tickedBy: "Ticked by", aftercare: "Afterwards", rungs: "Escalation", reached: "reached",
      localOnly: "Kept in this browser only; nothing is sent anywhere.", at: "at", minShort: "min",
      colon: ": ", inPrefix: "in ", fromMinute: function (n) { return n === 0 ? "immediately" : "from minute " + n; },
      overdueCount: "overdue"
    }
  };
  var W = WORDS[lang];

  // ---------------------------------------------------------------- storage

  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(data) ? data : [];
    } catch (e) {
      return [];
    }
  }

  function save(runs) {
    try {
      localStorage.setItem(KEY, JSON.stringify(runs));
    } catch (e) { /* storage full or refused: the run still works until the tab closes */ }
  }

  function find(id) {
    var runs = load();
    for (var i = 0; i < runs.length; i++) if (runs[i].id === id) return runs[i];
    return null;
  }

  function update(id, change) {
    var runs = load();
    for (var i = 0; i < runs.length; i++) {
      if (runs[i].id === id) {
        change(runs[i]);
        save(runs);
        return runs[i];
      }
    }
    return null;
  }

  function activeKey() { return "hb-run-active-" + proc; }
  function getActive() { try { return sessionStorage.getItem(activeKey()); } catch (e) { return null; } }
  function setActive(id) {
    try {
      if (id) sessionStorage.setItem(activeKey(), id); else sessionStorage.removeItem(activeKey());
    } catch (e) { /* private mode: this tab follows the newest run */ }
  }

  function openRuns() {
    return load().filter(function (r) { return r.proc === proc && !r.ended; });
  }

  function getName() { try { return localStorage.getItem(NAME_KEY) || ""; } catch (e) { return ""; } }
  function setName(v) { try { localStorage.setItem(NAME_KEY, v); } catch (e) { /* ignore */ } }

  // ---------------------------------------------------------------- time

  function now() { return Date.now(); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function atMinute(n) { return W.fromMinute(n); }
  function hm(ms) { var d = new Date(ms); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function date(ms) { var d = new Date(ms); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function span(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60);
  }

  // ---------------------------------------------------------------- the page

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var steps = Array.prototype.slice.call(document.querySelectorAll("li[data-hb-step]")).map(function (li) {
    var within = li.getAttribute("data-hb-within");
    var textEl = li.querySelector(".hb-step-text");
    return {
      li: li,
      id: li.id,
      box: li.querySelector("input[type=checkbox]"),
      within: within === "" ? null : parseInt(within, 10),
      text: textEl ? textEl.textContent : "",
      owner: li.getAttribute("data-hb-owner") || "",
      limit: li.getAttribute("data-hb-limit") || "", // the page's own words for it (generator/catalogue.py)
      after: li.closest("[data-hb-steps]") && li.closest("[data-hb-steps]").getAttribute("data-hb-steps") === "after"
    };
  });
  var rungs = Array.prototype.slice.call(document.querySelectorAll("tr[data-hb-rung]")).map(function (tr) {
    return { tr: tr, id: tr.getAttribute("data-hb-rung"), after: parseInt(tr.getAttribute("data-hb-after"), 10) };
  });

  var startBox = head.querySelector("[data-hb-run-start]");
  var startButton = startBox.querySelector("button");
  var hint = startBox.querySelector(".hb-run-hint");
  startButton.hidden = false;
  if (hint) hint.hidden = false;

  var bar = el("section", "hb-run-bar");
  bar.setAttribute("aria-label", W.running);
  bar.hidden = true;
  head.parentNode.insertBefore(bar, head.nextSibling);
  var strip = el("button", "hb-run-strip");
  strip.type = "button";
  strip.hidden = true;
  strip.addEventListener("click", function () { bar.scrollIntoView({ block: "start" }); });
  document.body.appendChild(strip);
  var recentBox = el("div", "hb-run-recent");
  startBox.parentNode.insertBefore(recentBox, startBox.nextSibling);

  var current = null; // id of the run this tab follows
  var timer = null;

  function start() {
    var run = {
      id: "r" + now().toString(36) + Math.random().toString(36).slice(2, 6),
      proc: proc, title: title, site: siteName, lang: lang, page: location.pathname,
      started: now(), ended: null, ticks: {}, notes: ""
    };
    var runs = load();
    runs.push(run);
    save(runs);
    follow(run.id);
  }

  function follow(id, quiet) {
    current = id;
    setActive(id);
    render();
    if (!timer) timer = setInterval(tick, 1000);
    if (!quiet) bar.scrollIntoView({ block: "start" });
  }

  function stop() {
    current = null;
    setActive(null);
    if (timer) { clearInterval(timer); timer = null; }
    document.body.classList.remove("hb-running");
    bar.hidden = true;
    strip.hidden = true;
    if (hint) hint.hidden = false;
    steps.forEach(function (s) {
      s.li.classList.remove("hb-done", "hb-overdue");
      var info = s.li.querySelector(".hb-run-step");
      if (info) info.remove();
      if (s.box) s.box.checked = false;
    });
    rungs.forEach(function (r) { r.tr.classList.remove("hb-rung-due", "hb-rung-reached"); });
    renderRecent();
  }

  function render() {
    var run = current && find(current);
    if (!run || run.ended) { stop(); return; }
    document.body.classList.add("hb-running");
    bar.hidden = false;
    strip.hidden = false;
    if (hint) hint.hidden = true;
    bar.innerHTML = "";

    var top = el("div", "hb-run-top");
    top.appendChild(el("span", "hb-run-label", W.running));
    var elapsed = el("span", "hb-run-clock", span(now() - run.started));
    elapsed.setAttribute("data-hb-clock", "");
    top.appendChild(elapsed);
    top.appendChild(el("span", "hb-run-started", W.started + " " + clock(run.started)));
    bar.appendChild(top);

    var due = el("div", "hb-run-due");
    due.setAttribute("data-hb-due", "");
    bar.appendChild(due);

    var nameRow = el("label", "hb-run-name");
    nameRow.appendChild(el("span", "", W.yourName));
    var name = el("input");
    name.type = "text";
    name.value = getName();
    name.placeholder = W.namePlaceholder;
    name.autocomplete = "name";
    name.addEventListener("change", function () { setName(name.value.trim()); });
    name.addEventListener("input", function () { setName(name.value.trim()); });
    nameRow.appendChild(name);
    bar.appendChild(nameRow);

    var notesRow = el("label", "hb-run-notes");
    notesRow.appendChild(el("span", "", W.notes));
    var notes = el("textarea");
    notes.rows = 2;
    notes.value = run.notes || "";
    notes.addEventListener("input", function () { update(run.id, function (r) { r.notes = notes.value; }); });
    notesRow.appendChild(notes);
    bar.appendChild(notesRow);

    var others = openRuns().filter(function (r) { return r.id !== run.id; });
    var actions = el("div", "hb-run-actions");
    var end = el("button", "hb-run-end", W.end);
    end.type = "button";
    end.addEventListener("click", function () {
      if (!window.confirm(W.confirmEnd)) return;
      var done = update(run.id, function (r) { r.ended = now(); r.notes = notes.value; });
      stop();
      if (done) showRecord(done);
    });
    actions.appendChild(end);
    switchButtons(actions, others);
    bar.appendChild(actions);
    bar.appendChild(el("p", "hb-run-local", W.localOnly));

    steps.forEach(function (s) {
      var info = s.li.querySelector(".hb-run-step");
      if (!info) {
        info = el("div", "hb-run-step");
        s.li.appendChild(info);
      }
      if (s.box) s.box.checked = !!run.ticks[s.id];
    });
    tick();
    renderRecent();
  }

  // Where a step of a run stands at time t: the one rule of the bar, the step lines and the record.
  function stepState(run, s, t) {
    var done = run.ticks[s.id];
    var deadline = s.within === null ? null : run.started + s.within * 60000;
    return {
      done: done, deadline: deadline,
      late: !!done && deadline !== null && done.at > deadline,
      overdue: !done && deadline !== null && t > deadline
    };
  }

  function tick() {
    var run = current && find(current);
    if (!run || run.ended) { stop(); return; }
    var t = now();
    var c = bar.querySelector("[data-hb-clock]");
    if (c) c.textContent = span(t - run.started);
    steps.forEach(function (s) {
      var info = s.li.querySelector(".hb-run-step");
      if (!info) return;
      var st = stepState(run, s, t), done = st.done, deadline = st.deadline;
      s.li.classList.toggle("hb-done", !!done);
      s.li.classList.toggle("hb-overdue", st.overdue);
      var text = deadline === null ? "" : W.deadline + " " + hm(deadline);
      if (done) {
        text = "✓ " + W.done + " " + clock(done.at) + (done.by ? " · " + (W.by ? W.by + " " : "") + done.by : "")
          + (st.late ? " · " + W.late : "");
      } else if (st.overdue) {
        text = "⚠ " + W.overdue + " " + Math.floor((t - deadline) / 60000) + " " + W.minShort + " · " + text;
      }
      if (info.textContent !== text) info.textContent = text;
    });
    var late = steps.filter(function (s) { return s.li.classList.contains("hb-overdue"); }).length;
    var elapsedMin = (t - run.started) / 60000;
    var dueRung = null, nextRung = null;
    rungs.forEach(function (r) {
      var reached = elapsedMin >= r.after;
      r.tr.classList.toggle("hb-rung-reached", reached);
      if (reached) dueRung = r; else if (!nextRung) nextRung = r;
    });
    rungs.forEach(function (r) { r.tr.classList.toggle("hb-rung-due", r === dueRung); });
    var stripText = span(t - run.started) + (late ? " · ⚠ " + W.overdueCount + " " + late : "")
      + (dueRung ? " · " + W.dueNow + W.colon + dueRung.tr.querySelector(".hb-rung-notify").textContent.trim() : "");
    if (strip.textContent !== stripText) strip.textContent = stripText;
    strip.classList.toggle("hb-run-strip-late", late > 0);
    var box = bar.querySelector("[data-hb-due]");
    if (box) {
      var key = (dueRung ? dueRung.id : "") + "|" + (nextRung ? Math.ceil(nextRung.after - elapsedMin) : "");
      if (box.getAttribute("data-key") !== key) {
        box.setAttribute("data-key", key);
        box.innerHTML = "";
        var label = el("div", "hb-run-due-label", W.dueNow + (dueRung ? " · " + atMinute(dueRung.after) : ""));
        box.appendChild(label);
        if (dueRung) {
          var what = el("div", "hb-run-due-what");
          what.appendChild(el("span", "hb-run-due-condition", dueRung.tr.querySelector(".hb-rung-condition").textContent + " "));
          var who = dueRung.tr.querySelector(".hb-rung-notify").cloneNode(true);
          who.className = "hb-run-due-who";
          what.appendChild(who);
          box.appendChild(what);
        } else {
          box.appendChild(el("div", "hb-run-due-what", W.none));
        }
        if (nextRung) {
          box.appendChild(el("div", "hb-run-next", W.nextRung + W.colon + atMinute(nextRung.after) + " · "
            + W.inPrefix + Math.max(0, Math.ceil(nextRung.after - elapsedMin)) + " " + W.inMin));
        }
      }
    }
  }

  steps.forEach(function (s) {
    if (!s.box) return;
    s.box.addEventListener("change", function () {
      if (!current) return; // outside a run the boxes are a plain checklist
      var checked = s.box.checked;
      update(current, function (r) {
        if (checked) r.ticks[s.id] = { at: now(), by: getName() };
        else delete r.ticks[s.id];
      });
      tick();
    });
  });

  startButton.addEventListener("click", start);

  // ---------------------------------------------------------------- the incident record

  function recordRows(run) {
    return steps.map(function (s, i) {
      var st = stepState(run, s, run.ended || now()), done = st.done;
      return {
        n: i + 1, after: s.after, text: s.text, owner: s.owner,
        limit: s.limit,
        deadline: st.deadline === null ? "" : hm(st.deadline), done: done ? clock(done.at) : "",
        by: done ? done.by || "" : "", status: done ? (st.late ? W.late : W.onTime) : W.notDone, late: !done || st.late
      };
    });
  }

  var COLS = ["c-n", "c-text", "c-owner", "c-limit", "c-deadline", "c-done", "c-by", "c-status"];

  function recordNode(run) {
    var box = el("div", "hb-record-sheet");
    box.appendChild(el("h1", "", W.record + " — " + run.title));
    var meta = el("p", "hb-record-meta");
    meta.textContent = (run.site ? W.property + ": " + run.site + " · " : "") + W.started + ": " + date(run.started) + " " + clock(run.started)
      + " · " + W.ended + ": " + (run.ended ? clock(run.ended) : "—") + " · " + W.duration + ": " + span((run.ended || now()) - run.started);
    box.appendChild(meta);
    var table = el("table", "hb-record-table");
    var headRow = el("tr");
    ["#", W.step, W.owner, W.limit, W.deadline, W.done, W.tickedBy, ""].forEach(function (h) { headRow.appendChild(el("th", "", h)); });
    var thead = el("thead");
    thead.appendChild(headRow);
    table.appendChild(thead);
    var tbody = el("tbody");
    recordRows(run).forEach(function (row) {
      var tr = el("tr", row.late ? "hb-record-late" : "");
      var cells = [String(row.n) + (row.after ? " (" + W.aftercare + ")" : ""), row.text, row.owner, row.limit, row.deadline, row.done, row.by, row.status];
      cells.forEach(function (v, i) { tr.appendChild(el("td", COLS[i], v)); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
    var reached = rungs.filter(function (r) { return ((run.ended || now()) - run.started) / 60000 >= r.after; });
    if (reached.length) {
      box.appendChild(el("h2", "", W.rungs));
      var ul = el("ul");
      reached.forEach(function (r) {
        ul.appendChild(el("li", "", r.tr.querySelector(".hb-rung-after").textContent + " — " + r.tr.querySelector(".hb-rung-condition").textContent
          + " → " + r.tr.querySelector(".hb-rung-notify").textContent.trim()));
      });
      box.appendChild(ul);
    }
    box.appendChild(el("h2", "", W.notes));
    box.appendChild(el("p", "hb-record-notes", run.notes || "—"));
    box.appendChild(el("p", "hb-record-local", W.localOnly));
    return box;
  }

  function showRecord(run) {
    var old = document.getElementById("hb-record");
    if (old) old.remove();
    var wrap = el("div", "hb-record");
    wrap.id = "hb-record";
    wrap.setAttribute("role", "dialog");
    wrap.setAttribute("aria-label", W.record);
    var tools = el("div", "hb-record-tools");
    var printBtn = el("button", "hb-record-print", W.print);
    printBtn.type = "button";
    printBtn.addEventListener("click", function () { window.print(); });
    var saveBtn = el("button", "hb-record-save", W.save);
    saveBtn.type = "button";
    saveBtn.addEventListener("click", function () { download(run); });
    var closeBtn = el("button", "hb-record-close", W.close);
    closeBtn.type = "button";
    closeBtn.addEventListener("click", function () { wrap.remove(); document.body.classList.remove("hb-record-open"); });
    tools.appendChild(printBtn);
    tools.appendChild(saveBtn);
    tools.appendChild(closeBtn);
    wrap.appendChild(tools);
    wrap.appendChild(recordNode(run));
    document.body.appendChild(wrap);
    document.body.classList.add("hb-record-open");
    printBtn.focus();
  }

  var SHEET_CSS = "@page{size:A4;margin:15mm}body{font:11pt/1.45 'Noto Sans CJK SC','Noto Sans SC',sans-serif;color:#000}"
    + "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:3px 5px;text-align:left;vertical-align:top;font-size:10pt}"
    + "h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12pt;margin:10pt 0 4pt}.hb-record-late td:last-child{font-weight:bold}"
    + "td.c-n,td.c-limit,td.c-deadline,td.c-done,td.c-by,td.c-status{white-space:nowrap}td.c-text{width:45%}td.c-owner{width:14%}";

  function download(run) {
    var sheet = recordNode(run);
    var html = "<!doctype html><html lang=\"" + (lang === "en" ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\"><title>"
      + escapeHtml(W.record + " — " + run.title) + "</title><style>" + SHEET_CSS + "</style></head><body>" + sheet.outerHTML + "</body></html>";
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([html], { type: "text/html;charset=utf-8" }));
    var d = new Date(run.started);
    a.download = (lang === "en" ? "incident-record-" : "事件记录-") + proc + "-" + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate())
      + "-" + pad(d.getHours()) + pad(d.getMinutes()) + ".html";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]; });
  }

  function renderRecent() {
    recentBox.innerHTML = "";
    var runs = load().filter(function (r) { return r.proc === proc; });
    var open = runs.filter(function (r) { return !r.ended && r.id !== current; });
    var ended = runs.filter(function (r) { return r.ended; }).slice(-5).reverse();
    startButton.textContent = "▶ " + (current ? W.newRun : startButton.getAttribute("data-label") || startButton.textContent.replace(/^▶\s*/, ""));
    if (open.length) {
      var p = el("p", "hb-run-open", W.open + ": ");
      switchButtons(p, open);
      recentBox.appendChild(p);
    }
    if (ended.length) {
      var q = el("p", "hb-run-ended", W.recent + ": ");
      runButtons(q, ended, "hb-run-view", function (r) { return date(r.started) + " " + hm(r.started); }, showRecord);
      recentBox.appendChild(q);
    }
  }

  // One button per run, the one way the bar and the list below the start button draw them.
  function runButtons(parent, runs, cls, label, action) {
    runs.forEach(function (r) {
      var b = el("button", cls, label(r));
      b.type = "button";
      b.addEventListener("click", function () { action(r); });
      parent.appendChild(b);
    });
  }

  // "Switch to the run started at 14:05": another open run of this procedure.
  function switchButtons(parent, runs) {
    runButtons(parent, runs, "hb-run-switch", function (r) { return W.switchTo + " " + W.started + " " + hm(r.started); },
      function (r) { follow(r.id); });
  }

  startButton.setAttribute("data-label", startButton.textContent.replace(/^▶\s*/, ""));
  // This tab's run, else the newest open one (a reload, or the page opened again).
  var remembered = getActive();
  var open = openRuns();
  if (remembered && find(remembered) && !find(remembered).ended) follow(remembered, true);
  else if (open.length) follow(open[open.length - 1].id, true);
  else renderRecent();
  window.addEventListener("storage", function (e) { if (e.key === KEY && current) render(); });
})();
