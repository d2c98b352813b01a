/* Search from file:// — a stand-in for Web Workers.
 *
 * Chromium refuses `new Worker()` for a page opened from disk, so Material's search
 * would never start on a copy of the handbook on a front-desk PC.  When the page is a
 * file:// page, this script replaces `Worker` with a small class that runs the worker
 * script in a hidden same-origin iframe and passes messages both ways.  Material's search
 * worker recognises the stand-in by `window.IFrameWorker` and awaits `importScripts`,
 * which is implemented here by adding <script> elements one after another.
 * Served over http(s) this script does nothing.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function loadScript(doc, url) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + url)); };
      doc.head.appendChild(script);
    });
  }

  function IFrameWorker(url) {
    var self = this;
    var absolute = new URL(url, document.baseURI).href;
    this.onmessage = null;
    this.onerror = null;
    this._listeners = { message: [], error: [] };
    this._queue = [];
    this._ready = false;

    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = "search";
    (document.body || document.documentElement).appendChild(frame);
    this._frame = frame;

    var win = frame.contentWindow;
    var inbox = [];
    /* The worker side: what the worker script sees as its global scope. */
    win.addEventListener = function (type, fn) { if (type === "message") inbox.push(fn); };
    win.postMessage = function (data) { self._emit("message", { data: data }); };
    win.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, u) {
        return done.then(function () { return loadScript(win.document, new URL(u, absolute).href); });
      }, Promise.resolve());
    };
    this._deliver = function (data) {
      inbox.forEach(function (fn) {
        try { fn.call(win, { data: data }); } catch (err) { self._emit("error", err); }
      });
    };
    loadScript(win.document, absolute).then(function () {
      self._ready = true;
      self._queue.splice(0).forEach(function (data) { self._deliver(data); });
    }, function (err) { self._emit("error", err); });
  }

  IFrameWorker.prototype.postMessage = function (data) {
    if (this._ready) this._deliver(data); else this._queue.push(data);
  };
  IFrameWorker.prototype.addEventListener = function (type, fn) {
    (this._listeners[type] = this._listeners[type] || []).push(fn);
  };
  IFrameWorker.prototype.removeEventListener = function (type, fn) {
    var list = this._listeners[type] || [];
    var i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  };
  IFrameWorker.prototype.terminate = function () {
    if (this._frame.parentNode) this._frame.parentNode.removeChild(this._frame);
  };
  IFrameWorker.prototype._emit = function (type, event) {
    var self = this;
    setTimeout(function () {
      var handler = self["on" + type];
      if (typeof handler === "function") handler.call(self, event);
      (self._listeners[type] || []).forEach(function (fn) { fn.call(self, event); });
    }, 0);
  };

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
