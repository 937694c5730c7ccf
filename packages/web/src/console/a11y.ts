/**
 * Two ARIA attributes antd puts where assistive technology ignores them and axe-core reports them
 * (WCAG 4.1.2), fixed once for the whole console while the page changes:
 * - a required Form.Item gives its Select `aria-required`, which rc-select copies onto both the
 *   combobox input (right) and the wrapping div without a role (not allowed there): removed from the div;
 * - a required Radio.Group is a div without a role: it gets `role="radiogroup"`, which takes
 *   `aria-required`.
 */
export function patchAntdAria(root: ParentNode = document) {
  const fix = () => {
    root.querySelectorAll('.ant-select[aria-required]').forEach((el) => el.removeAttribute('aria-required'));
    root
      .querySelectorAll('.ant-radio-group:not([role])')
      .forEach((el) => el.setAttribute('role', 'radiogroup'));
  };
  fix();
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fix();
    });
  }).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-required'],
  });
}
