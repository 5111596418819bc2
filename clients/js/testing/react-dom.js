// React rendering in node --test: a happy-dom document for react-dom, and a render() that mounts a tree
// (under act(), unless told otherwise). Only `window`, `document` and (for react-dom's development build) `navigator` become
// globals; the SDK's own globals (WebSocket, addEventListener) stay those of a plain Node process.
import { Window } from 'happy-dom';

/**
 * Sets up the document once per test file; returns { render, act, createElement, useState, close }.
 * Tests against a live system, whose updates come from the network at any time, pass `{ act: false }`
 * and wait for what renders instead of wrapping each update in act().
 */
export async function reactDom({ act = true } = {}) {
  const window = new Window({ url: 'http://localhost/' });
  globalThis.window = window;
  globalThis.document = window.document;
  const ownNavigator = !('navigator' in globalThis);
  if (ownNavigator) Object.defineProperty(globalThis, 'navigator', { value: window.navigator, configurable: true });
  globalThis.IS_REACT_ACT_ENVIRONMENT = act; // with it, React warns about updates outside act()
  const React = await import('react');
  const { createRoot } = await import('react-dom/client');

  // without act(), a render is committed by the next macrotask
  const run = act ? (fn) => React.act(async () => fn()) : async (fn) => {
    fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };

  /** Mounts `element`; the result can rerender, unmount and read the container's text. */
  async function render(element) {
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    await run(() => root.render(element));
    return {
      container,
      text: () => container.textContent,
      rerender: (next) => run(() => root.render(next)),
      unmount: () => run(() => root.unmount()),
    };
  }

  return {
    render,
    act: React.act,
    createElement: React.createElement,
    useState: React.useState,
    async close() {
      await window.happyDOM.close();
      delete globalThis.window;
      delete globalThis.document;
      if (ownNavigator) delete globalThis.navigator;
    },
  };
}
