// Area suggestions on a posting form: a button, and on leaving the description with no area
// chosen, ask /api/v1/classify/area and pre-fill the plan field with the best candidate.
(() => {
  const box = document.getElementById('area-suggest');
  if (!box) return;
  // Texts in the reader's language, from the page (so the script holds none).
  const messages = JSON.parse(box.dataset.messages);
  const form = box.closest('form');
  const field = (name) => form.querySelector(`[name="${name}"]`);
  const status = document.getElementById('area-suggest-status');
  const list = document.getElementById('area-suggest-list');
  const targets = {'plan': field('area'), 'green-industry-2019': field('industry_area')};
  const selectable = (c) => targets[c.taxonomy] && [...targets[c.taxonomy].options].some((o) => o.value === c.code);
  const choose = (c) => { targets[c.taxonomy].value = c.code; status.textContent = messages.chosen + c.code + ' ' + c.name; };
  async function suggest(fillEmptyArea) {
    const text = ['title', 'summary', 'description'].map((n) => field(n)?.value || '').join('\n').trim();
    if (text.length < 4) { status.textContent = messages.needText; return; }
    status.textContent = messages.working;
    let response;
    try {
      response = await fetch(box.dataset.url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': field('csrf_token')?.value || ''},
        body: JSON.stringify({text: text.slice(0, 10000)}),
      });
    } catch (error) { status.textContent = messages.unavailable; return; }
    if (!response.ok) { status.textContent = messages.unavailable; return; }
    const {candidates} = await response.json();
    list.replaceChildren(...candidates.map((c) => {
      const label = `${c.code} ${c.name}`;
      if (!selectable(c)) {
        const hint = document.createElement('span');
        hint.className = 'badge text-bg-light border me-1 mb-1 fw-normal';
        hint.textContent = messages.catalogueHint + label;
        return hint;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-sm btn-light border me-1 mb-1';
      button.textContent = label;
      button.title = messages.score + ' ' + c.score.toFixed(2);
      button.addEventListener('click', () => choose(c));
      return button;
    }));
    status.textContent = candidates.length ? messages.pick : messages.none;
    const best = candidates.find((c) => c.taxonomy === 'plan' && selectable(c));
    if (fillEmptyArea && best && !targets.plan.value) choose(best);
  }
  document.getElementById('area-suggest-button').addEventListener('click', () => suggest(false));
  field('description')?.addEventListener('blur', () => { if (targets.plan && !targets.plan.value) suggest(true); });
})();
