/* The handbook's search, in Material's search box (see generator/search.py for the index).
 *
 * Nothing is loaded until the search box is used.  The index is a set of small scripts
 * under search/ of this language (meta.js, term buckets t<n>.js, record shards d<n>.js),
 * added as <script> elements: that works from a web server, from a sub-path and from
 * file:// alike, with no request to another host.
 *
 * A query is cut as the pages were: English words are stemmed with the index's rules,
 * Chinese by longest match against the index's own vocabulary (jieba's words of the
 * pages); stop words and question words are dropped; each glossary term expands to its
 * other words.  Records are scored by the weights in the buckets (records matching every
 * part of the query first), grouped by page like Material's results, and shown with
 * Material's markup.
 */
(function () {
  "use strict";

  var input = document.querySelector("input.hb-search__input");
  var toggle = document.getElementById("__search");
  var list = document.querySelector(".hb-search-result .md-search-result__list");
  var metaLine = document.querySelector(".hb-search-result .md-search-result__meta");
  if (!input || !list || !metaLine) return;

  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { config = {}; }
  var translations = config.translations || {};
  var root = new URL((config.base || ".").replace(/\/?$/, "/"), location.href);
  /* Maintainer pages search the maintainer pages (their own index); every other page the staff's. */
  var here = location.href.slice(root.href.length);
  var scope = location.href.indexOf(root.href) === 0 && /^(maintainers|reference)(\/|\.html|$)/.test(here) ? "search/maintainers/" : "search/";
  var base = new URL(scope, root);

  var store = window.__hbSearch = window.__hbSearch || {};
  var loaded = {};   // file name → Promise
  var meta = null;
  var buckets = {};  // n → { term: [doc, weight, …] }
  var shards = {};   // n → [[page, anchor, title, snippet, kind, holders?], …]

  store.meta = function (m) { meta = m; };
  store.terms = function (n, t) { buckets[n] = t; };
  store.docs = function (n, d) { shards[n] = d; };

  function load(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = new URL(name, base).href;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete loaded[name]; reject(new Error("cannot load search/" + name)); };
        document.head.appendChild(s);
      });
    }
    return loaded[name];
  }

  function ready() { return load("meta.js").then(function () { return meta; }); }

  /* ------------------------------------------------------------------ terms */

  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  var WORD = /[A-Za-z][A-Za-z'\u2019]*|[0-9]+[A-Za-z0-9]*|[\u3400-\u9fff\uf900-\ufaff]+/g;
  var stop = {};

  function stem(word) {
    var w = word.toLowerCase().replace(/\u2019/g, "'");
    if (w.slice(-2) === "'s") w = w.slice(0, -2);
    w = w.replace(/'/g, "");
    if (w.length <= 3) return w;
    var rules = meta.rules;
    for (var i = 0; i < rules.length; i++) {
      var suf = rules[i][0], rep = rules[i][1];
      if (w.length >= suf.length && w.slice(w.length - suf.length) === suf && w.length - suf.length + rep.length >= 3) {
        w = w.slice(0, w.length - suf.length) + rep;
        break;
      }
    }
    if (w.charAt(w.length - 1) === "e" && w.length > 3) w = w.slice(0, -1);
    var last = w.charAt(w.length - 1);
    if (w.length > 3 && last === w.charAt(w.length - 2) && "lsz".indexOf(last) < 0 && "aeiou".indexOf(last) < 0) w = w.slice(0, -1);
    return w;
  }
  store.stem = stem;  // for the tests: the same rules as generator/search.py

  function bucketOf(term) {
    var key = CJK.test(term.charAt(0)) ? Array.from(term)[0] : term.slice(0, 2);
    var h = 0x811c9dc5;
    Array.from(key).forEach(function (ch) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    });
    return h % meta.buckets;
  }

  function loadBuckets(termsOrChars) {
    var wanted = {};
    termsOrChars.forEach(function (t) { wanted[bucketOf(t)] = true; });
    return Promise.all(Object.keys(wanted).map(function (n) { return load("t" + n + ".js"); }));
  }

  function postings(term) {
    var b = buckets[bucketOf(term)];
    return (b && Object.prototype.hasOwnProperty.call(b, term)) ? b[term] : null;
  }

  /* The query's words: [{text, cjk}]; Chinese runs are cut after their buckets load. */
  function words(query) {
    var out = [];
    (query.match(WORD) || []).forEach(function (w) {
      out.push({ text: w, cjk: CJK.test(w.charAt(0)) });
    });
    return out;
  }

  /* Longest match against the index's vocabulary; a character no word starts with is skipped. */
  function cutChinese(run) {
    var chars = Array.from(run), out = [], i = 0;
    while (i < chars.length) {
      var found = null;
      for (var n = Math.min(8, chars.length - i); n >= 1; n--) {
        var piece = chars.slice(i, i + n).join("");
        if (postings(piece) || (n > 1 && stop[piece])) { found = piece; break; }
      }
      if (found) { if (!stop[found]) out.push(found); i += Array.from(found).length; }
      else i += 1;
    }
    return out;
  }

  function queryTerms(query) {
    var ws = words(query), latin = [], chars = [];
    ws.forEach(function (w) {
      if (w.cjk) Array.from(w.text).forEach(function (c) { chars.push(c); });
      else if (!stop[w.text.toLowerCase()] && w.text.length > 1) latin.push(/^[a-z]/i.test(w.text) ? stem(w.text) : w.text.toLowerCase());
    });
    var question = ws.some(function (w) { return meta.question.indexOf(w.text.toLowerCase()) >= 0 || /谁|哪个/.test(w.text); });
    /* The glossary's other words for what the query may contain: loaded in the same round. */
    var runs = ws.filter(function (w) { return w.cjk; }).map(function (w) { return w.text; }).join(" ");
    var alternatives = [];
    Object.keys(meta.synonyms).forEach(function (key) {
      var hit = CJK.test(key.charAt(0)) ? runs.indexOf(key.replace(/ /g, "")) >= 0
        : key.split(" ").every(function (t) { return latin.indexOf(t) >= 0; });
      if (hit) meta.synonyms[key].forEach(function (alt) { alternatives = alternatives.concat(alt); });
    });
    return loadBuckets(latin.concat(chars, alternatives)).then(function () {
      var out = [];
      ws.forEach(function (w) {
        if (w.cjk) out = out.concat(cutChinese(w.text));
        else if (!stop[w.text.toLowerCase()] && w.text.length > 1) out.push(/^[a-z]/i.test(w.text) ? stem(w.text) : w.text.toLowerCase());
      });
      /* The word being typed (no space after it yet): the index's words that start with it. */
      var last = ws[ws.length - 1], completions = [];
      if (last && !last.cjk && /[A-Za-z]$/.test(query) && last.text.length >= 2 && !stop[last.text.toLowerCase()]) {
        var typed = last.text.toLowerCase(), b = buckets[bucketOf(typed)] || {};
        Object.keys(b).forEach(function (t) { if (t.length > typed.length && t.indexOf(typed) === 0) completions.push(t); });
        completions.sort(function (x, y) { return b[y].length - b[x].length; });
        completions = completions.slice(0, 6);
      }
      return { terms: out, question: question, completions: completions };
    });
  }

  /* Groups of alternatives: the query's own words, and the glossary's other words for them. */
  function groups(terms, completions) {
    var out = [], i = 0;
    while (i < terms.length) {
      var taken = false;
      for (var n = Math.min(3, terms.length - i); n >= 1 && !taken; n--) {
        var key = terms.slice(i, i + n).join(" ");
        var alts = meta.synonyms[key];
        if (alts) {
          out.push([{ terms: terms.slice(i, i + n), factor: 1 }].concat(alts.map(function (a) { return { terms: a, factor: 0.8 }; })));
          i += n;
          taken = true;
        }
      }
      if (!taken) { out.push([{ terms: [terms[i]], factor: 1 }]); i += 1; }
    }
    if (completions && completions.length && out.length) {
      var lastGroup = out[out.length - 1];
      completions.forEach(function (t) { lastGroup.push({ terms: [t], factor: 0.9 }); });
    }
    return out;
  }

  /* ------------------------------------------------------------------ scoring */

  function score(gs, question) {
    var need = [];
    gs.forEach(function (g) { g.forEach(function (a) { need = need.concat(a.terms); }); });
    return loadBuckets(need).then(function () {
      var total = {}, hits = {};
      gs.forEach(function (g) {
        var best = {};
        g.forEach(function (alt) {
          var sum = {}, seen = {};
          alt.terms.forEach(function (t) {
            var p = postings(t) || [];
            for (var k = 0; k < p.length; k += 2) {
              sum[p[k]] = (sum[p[k]] || 0) + p[k + 1];
              seen[p[k]] = (seen[p[k]] || 0) + 1;
            }
          });
          Object.keys(sum).forEach(function (d) {
            var s = alt.factor * sum[d] / alt.terms.length * Math.pow(seen[d] / alt.terms.length, 2);
            if (!best[d] || s > best[d]) best[d] = s;
          });
        });
        Object.keys(best).forEach(function (d) {
          total[d] = (total[d] || 0) + best[d];
          hits[d] = (hits[d] || 0) + 1;
        });
      });
      var docs = Object.keys(total).map(function (d) {
        var s = total[d] * Math.pow(hits[d] / gs.length, 2);
        return { doc: +d, score: s, full: hits[d] === gs.length };
      });
      return { docs: docs, question: question };
    });
  }

  function pageOf(doc) {
    var a = meta.pageStarts, lo = 0, hi = a.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (a[mid] <= doc) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function record(doc) {
    var shard = shards[Math.floor(doc / meta.docsPerShard)];
    return shard ? shard[doc % meta.docsPerShard] : null;
  }

  /* Pages best first, each with its best records: [{page, start, items: [doc…]}]. */
  function rank(result, limit) {
    var pages = {};
    result.docs.forEach(function (d) {
      var p = pageOf(d.doc);
      var entry = pages[p] || (pages[p] = { page: p, best: 0, sum: 0, docs: [] });
      entry.best = Math.max(entry.best, d.score);
      entry.sum += d.score;
      entry.docs.push(d);
    });
    var ranked = Object.keys(pages).map(function (k) {
      var e = pages[k];
      e.score = e.best + 0.15 * (e.sum - e.best);
      e.docs.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return e;
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
    return ranked.slice(0, limit);
  }

  function loadRecords(ranked, question) {
    var wanted = {};
    ranked.forEach(function (e) {
      wanted[Math.floor(meta.pageStarts[e.page] / meta.docsPerShard)] = true;
      e.docs.slice(0, 3).forEach(function (d) { wanted[Math.floor(d.doc / meta.docsPerShard)] = true; });
    });
    return Promise.all(Object.keys(wanted).map(function (n) { return load("d" + n + ".js"); })).then(function () {
      if (question) {  // "who may …": an answer of the permission kinds first
        ranked.forEach(function (e) {  // … that has every word of the question
          var r = record(e.docs[0].doc);
          if (r && r[4] === "kind" && e.docs[0].full) e.score *= 3;
        });
        ranked.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
      }
      return ranked;
    });
  }

  /* ------------------------------------------------------------------ showing */

  function href(page, anchor) {
    var path = page === "" ? "" : (meta.dirUrls ? page + "/" : page + ".html");
    if (!meta.dirUrls && page === "") path = "index.html";
    var url = new URL(path, root).href;
    return anchor ? url + "#" + anchor : url;
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  /* The snippet with the query's words marked (English by stem, Chinese as cut). */
  function mark(text, terms) {
    var cjk = terms.filter(function (t) { return CJK.test(t.charAt(0)); });
    var latin = {};
    terms.forEach(function (t) { if (!CJK.test(t.charAt(0))) latin[t] = true; });
    var out = "", last = 0, re = /[A-Za-z][A-Za-z'\u2019]*|[0-9]+[A-Za-z0-9]*/g, m;
    var pieces = [];
    while ((m = re.exec(text))) {
      if (latin[stem(m[0])] || latin[m[0].toLowerCase()]) pieces.push([m.index, m.index + m[0].length]);
    }
    cjk.forEach(function (t) {
      var from = 0, at;
      while ((at = text.indexOf(t, from)) >= 0) { pieces.push([at, at + t.length]); from = at + t.length; }
    });
    pieces.sort(function (a, b) { return a[0] - b[0]; });
    pieces.forEach(function (p) {
      if (p[0] < last) return;
      out += esc(text.slice(last, p[0])) + "<mark>" + esc(text.slice(p[0], p[1])) + "</mark>";
      last = p[1];
    });
    return out + esc(text.slice(last));
  }

  function article(r, terms, top) {
    var heading = top ? "h1" : "h2";
    var icon = top ? '<div class="md-search-result__icon md-icon"></div>' : "";
    var body = r[3] ? "<p>" + mark(r[3], terms) + "</p>" : "";
    return '<article class="md-search-result__article' + (top ? " md-typeset" : " md-typeset") + '">' + icon +
      "<" + heading + ">" + mark(r[2], terms) + "</" + heading + ">" + body + "</article>";
  }

  function link(url, inner, extraClass) {
    return '<a href="' + esc(url) + '" class="md-search-result__link' + (extraClass || "") + '" tabindex="-1">' + inner + "</a>";
  }

  function holdersHtml(r) {
    return (r[5] || []).slice(0, 3).map(function (h) {
      return link(href(h[0], "authorities"),
        '<article class="md-search-result__article md-typeset hb-search-holder"><h2>' + esc(h[1]) +
        ' <span class="hb-level-badge">' + esc(h[2]) + "</span></h2></article>");
    }).join("");
  }

  function show(ranked, terms) {
    var n = ranked.length;
    var t = n === 0 ? translations["search.result.none"] : n === 1 ? translations["search.result.one"] : (translations["search.result.other"] || "#").replace("#", n);
    metaLine.textContent = t || String(n);
    list.innerHTML = ranked.map(function (e) {
      var start = meta.pageStarts[e.page];
      var head = record(start);
      var parts = [];
      var children = e.docs.slice(0, 3).filter(function (d) { return d.doc !== start || !head || head[1] !== ""; });
      if (head && head[1] === "") parts.push(link(href(head[0], ""), article(head, terms, true)));
      children.forEach(function (d, i) {
        var r = record(d.doc);
        if (!r) return;
        var top = parts.length === 0;
        parts.push(link(href(r[0], r[1]), article(r, terms, top)));
        if (r[4] === "kind") parts.push(holdersHtml(r));
      });
      return '<li class="md-search-result__item">' + parts.join("") + "</li>";
    }).join("");
  }

  /* ------------------------------------------------------------------ the box */

  var latest = 0, busy = false, again = false, lastRun = null;

  /* One search at a time: keys typed while one runs are answered by one more search for
     the box as it is then (a fast typist does not load the buckets of every prefix). */
  function run() {
    var query = input.value.trim();
    if (busy) { again = true; return; }
    if (query === lastRun) return;
    busy = true;
    again = false;
    lastRun = query;
    search(query).then(finish, finish);
  }

  function finish() {
    busy = false;
    if (again) run();
  }

  function search(query) {
    var mine = ++latest;
    if (!query) {
      list.innerHTML = "";
      metaLine.textContent = translations["search.result.placeholder"] || "";
      return Promise.resolve();
    }
    return ready().then(function () {
      stop = {};
      meta.stop.forEach(function (w) { stop[w] = true; });
      return queryTerms(query);
    }).then(function (q) {
      if (mine !== latest) return null;
      if (!q.terms.length) return { ranked: [], terms: [] };
      var gs = groups(q.terms, q.completions), shown = [];
      gs.forEach(function (g) { g.forEach(function (a) { shown = shown.concat(a.terms); }); });
      return score(gs, q.question).then(function (result) {
        return loadRecords(rank(result, 10), result.question);
      }).then(function (ranked) { return { ranked: ranked, terms: shown }; });
    }).then(function (out) {
      if (!out || mine !== latest) return;
      show(out.ranked, out.terms);
      document.documentElement.setAttribute("data-hb-search", "done");
      document.dispatchEvent(new CustomEvent("hb-search:results", { detail: { query: query, count: out.ranked.length } }));
    }).catch(function (err) {
      lastRun = null;  // a file that did not load is asked for again next time
      if (mine !== latest) return;
      metaLine.textContent = String(err && err.message || err);
    });
  }

  function open() {
    if (toggle && !toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    ready().catch(function () {});
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", run);
  input.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a.md-search-result__link");
    if (first) location.href = first.href;
  });
  input.form.addEventListener("reset", function () {
    setTimeout(function () { lastRun = null; run(); input.focus(); }, 0);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { if (toggle) toggle.checked = false; input.blur(); }
    if (ev.key === "ArrowDown") {
      var first = list.querySelector("a.md-search-result__link");
      if (first) { ev.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", function (ev) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link"));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === "ArrowDown" && i + 1 < links.length) { ev.preventDefault(); links[i + 1].focus(); }
    if (ev.key === "ArrowUp") { ev.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
    if (ev.key === "Escape") { if (toggle) toggle.checked = false; }
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) { setTimeout(function () { input.focus(); }, 50); }
    });
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName))) return;
    if (ev.key === "/" || ev.key === "s" || ev.key === "f") { ev.preventDefault(); input.focus(); }
  });
})();
