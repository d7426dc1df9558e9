// The panel's tabs, as the WAI-ARIA tabs pattern says: one tab in the tab order, arrow keys
// (and Home/End) move between tabs and show their panel.

const tabs = [...document.querySelectorAll('.panel-tabs [role="tab"]')];

/** Show the panel of tab `name` ("layers", "search", "here", "report"). */
export function showTab(name, { focus = false } = {}) {
  for (const tab of tabs) {
    const chosen = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(chosen));
    tab.tabIndex = chosen ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !chosen;
    if (chosen && focus) tab.focus();
  }
  document.dispatchEvent(new CustomEvent("commonmap:tab", { detail: { name } }));
}

/** The name of the tab shown now. */
export function currentTab() {
  const tab = tabs.find((t) => t.getAttribute("aria-selected") === "true");
  return tab ? tab.id.replace("tab-", "") : "layers";
}

const nameOf = (tab) => tab.id.replace("tab-", "");

/** Wire the tabs' clicks and keys. */
export function setUpTabs() {
  for (const [index, tab] of tabs.entries()) {
    tab.addEventListener("click", () => showTab(nameOf(tab)));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
      showTab(nameOf(next), { focus: true });
    });
  }
}
