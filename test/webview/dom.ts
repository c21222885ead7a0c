// A browser-like document (happy-dom) for testing webview code in plain Node. Import this first:
// webview modules reach for `document` and the element classes as globals.
import { Window } from 'happy-dom';

const window = new Window({ url: 'https://webview.test/' });
const globals = globalThis as unknown as Record<string, unknown>;
for (const name of ['document', 'HTMLElement', 'SVGElement', 'Node', 'Event', 'KeyboardEvent', 'MouseEvent', 'CustomEvent', 'CSSStyleSheet', 'getComputedStyle']) {
  globals[name] = (window as unknown as Record<string, unknown>)[name];
}
globals.window = window;

/** Puts `node` in a fresh body, so queries and events behave as on the page. */
export function mount<T extends Node>(node: T): T {
  document.body.replaceChildren(node);
  return node;
}
