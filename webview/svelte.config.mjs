// Read by svelte-check (--workspace webview) and imported by esbuild.mjs, so both use the same options.
// The a11y checks do not know that <vscode-button> is interactive (it sets role="button", tabindex
// and handles Enter/Space itself): drop those two warnings for vscode-* tags only.
const A11Y_FALSE_POSITIVES = new Set(['a11y_click_events_have_key_events', 'a11y_no_static_element_interactions']);

export default {
  compilerOptions: {
    warningFilter: (w) => !(A11Y_FALSE_POSITIVES.has(w.code) && /<vscode-/.test(w.message)),
  },
};
