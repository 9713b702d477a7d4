// Runs first in every WebDev preview, before any of the app's code (see webdev.py).
//
// `connect-src 'none'` does not cover WebRTC: ICE sends STUN packets to any host an app
// names, and no browser shipped here implements CSP `webrtc 'block'` (Chromium ignores it).
// So the preview removes WebRTC itself:
// 1. Every RTC* constructor (and webkit/moz variants) on the window becomes a
//    non-configurable, non-writable `undefined`: app code cannot delete, reassign or
//    redefine it, and nothing else in the window leads back to the originals.
// 2. A nested frame would bring a fresh window with fresh constructors. `frame-src 'none'`
//    stops frames with a URL, but not `srcdoc`, `javascript:` or about:blank frames, so any
//    frame, object or embed element is removed the moment it enters the document or any
//    shadow root (a MutationObserver: its callback runs before the frame's document can
//    load, which takes a task). Closed shadow roots from `attachShadow` are watched too;
//    declarative ones are disabled by the server (the attribute is renamed) and here
//    (`setHTMLUnsafe`, `parseHTMLUnsafe`, `document.write` are gone).
// Everything the lockdown calls later is captured now, so an app that patches a prototype
// (MutationObserver.prototype.observe, Element.prototype.remove...) changes nothing.
(function () {
  "use strict";
  var w = window;
  var O = Object;
  var define = O.defineProperty;
  var describe = O.getOwnPropertyDescriptor;
  var names = O.getOwnPropertyNames;
  var apply = Reflect.apply;
  var test = RegExp.prototype.test;

  function seal(target, name) {
    try {
      delete target[name];
    } catch (_) {}
    try {
      define(target, name, { value: undefined, writable: false, configurable: false });
    } catch (_) {}
  }

  var RTC = /^(webkit|moz)?RTC/;
  var own = names(w);
  for (var i = 0; i < own.length; i++) {
    if (apply(test, RTC, [own[i]])) seal(w, own[i]);
  }
  var known = [
    "RTCPeerConnection", "webkitRTCPeerConnection", "mozRTCPeerConnection", "RTCDataChannel",
    "RTCSessionDescription", "RTCIceCandidate", "RTCRtpSender", "RTCRtpReceiver",
    "RTCRtpTransceiver", "RTCIceTransport", "RTCDtlsTransport", "RTCSctpTransport",
    "RTCCertificate", "RTCPeerConnectionIceEvent", "RTCDataChannelEvent", "RTCTrackEvent",
  ];
  for (i = 0; i < known.length; i++) seal(w, known[i]);

  // Ways to make a declarative shadow root (and so a frame the observer cannot see) at run time.
  seal(Document.prototype, "write");
  seal(Document.prototype, "writeln");
  seal(Document, "parseHTMLUnsafe");
  seal(Document, "parseHTML");
  seal(Element.prototype, "setHTMLUnsafe");
  seal(Element.prototype, "setHTML");
  if (w.ShadowRoot) {
    seal(ShadowRoot.prototype, "setHTMLUnsafe");
    seal(ShadowRoot.prototype, "setHTML");
  }

  function getter(proto, name) {
    return describe(proto, name).get;
  }
  var nodeType = getter(Node.prototype, "nodeType");
  var nodeName = getter(Node.prototype, "nodeName");
  var shadowRoot = getter(Element.prototype, "shadowRoot");
  var addedNodes = getter(MutationRecord.prototype, "addedNodes");
  var listLength = getter(NodeList.prototype, "length");
  var listItem = NodeList.prototype.item;
  var remove = Element.prototype.remove;
  var queryElement = Element.prototype.querySelectorAll;
  var queryFragment = DocumentFragment.prototype.querySelectorAll;
  var queryDocument = Document.prototype.querySelectorAll;
  var observe = MutationObserver.prototype.observe;
  var attachShadow = Element.prototype.attachShadow;
  // Null prototypes: what an app adds to Object.prototype cannot reach these.
  var FRAMES = O.create(null);
  var tags = ["IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "PORTAL", "FENCEDFRAME"];
  for (i = 0; i < tags.length; i++) FRAMES[tags[i]] = 1;
  var OPTIONS = O.create(null);
  OPTIONS.childList = true;
  OPTIONS.subtree = true;

  // Both lists this walks (addedNodes, querySelectorAll) are static: removing is safe.
  function each(list, visit) {
    var n = apply(listLength, list, []);
    for (var k = 0; k < n; k++) visit(apply(listItem, list, [k]));
  }

  function check(node) {
    if (apply(nodeType, node, []) !== 1) return;
    if (FRAMES[apply(nodeName, node, [])] === 1) {
      apply(remove, node, []);
      return;
    }
    var root = apply(shadowRoot, node, []);
    if (root) watch(root, queryFragment);
  }

  function scan(node) {
    if (apply(nodeType, node, []) !== 1) return;
    check(node);
    each(apply(queryElement, node, ["*"]), check);
  }

  var observer = new MutationObserver(function (records) {
    for (var r = 0; r < records.length; r++) each(apply(addedNodes, records[r], []), scan);
  });

  function watch(root, query) {
    apply(observe, observer, [root, OPTIONS]);
    each(apply(query, root, ["*"]), check);
  }

  define(Element.prototype, "attachShadow", {
    value: function () {
      var root = apply(attachShadow, this, arguments);
      watch(root, queryFragment);
      return root;
    },
    writable: false,
    configurable: false,
  });
  watch(document, queryDocument);
})();
