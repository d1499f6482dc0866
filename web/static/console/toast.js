// The one place errors and notices appear: [data-console=error].
let timer = null;
const box = () => document.querySelector('[data-console=error]');

export function toast(msg, kind) {
  const b = box();
  b.querySelector('.toast-text').textContent = msg;
  b.setAttribute('data-kind', kind || 'error');
  b.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { b.hidden = true; }, kind === 'info' ? 4000 : 9000);
}

export function hideToast() { box().hidden = true; }

document.querySelector('.toast-x').addEventListener('click', hideToast);
