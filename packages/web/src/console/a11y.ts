import i18next from 'i18next';

/**
 * Accessible names antd and its rc-* components hard-code in English, and what a Chinese screen reader
 * should hear instead (the English UI keeps them).
 */
const BUILT_IN_NAMES: Record<string, string> = {
  'Select all': '全选',
  'Custom selection': '自定义选择',
  'segmented control': '选项',
  'Increase Value': '增大',
  'Decrease Value': '减小',
  'for screen reader': '树形列表',
  expanded: '已展开',
  collapsed: '已收起',
};

/**
 * antd icons name themselves after their glyph in English (`<span role="img" aria-label="delete">`). Beside
 * a text they are decoration: hidden from assistive technology. Alone in a button or link they are its only
 * name: the control is named in the UI language from this table (glyph → meaning), the icon hidden.
 */
const ICON_MEANINGS: Record<string, [zh: string, en: string]> = {
  search: ['搜索', 'Search'],
  delete: ['删除', 'Delete'],
  plus: ['添加', 'Add'],
  'plus-circle': ['添加', 'Add'],
  'minus-circle': ['移除', 'Remove'],
  edit: ['编辑', 'Edit'],
  close: ['关闭', 'Close'],
  'close-circle': ['清除', 'Clear'],
  left: ['收起', 'Collapse'],
  // A Collapse panel's arrow names its state.
  expanded: ['收起', 'Collapse'],
  collapsed: ['展开', 'Expand'],
  right: ['展开', 'Expand'],
  'double-right': ['向后', 'Next'],
  'double-left': ['向前', 'Previous'],
  'arrow-up': ['上移', 'Move up'],
  'arrow-down': ['下移', 'Move down'],
  'arrow-left': ['返回', 'Back'],
  'arrow-right': ['前往', 'Go'],
  save: ['保存', 'Save'],
  send: ['提交', 'Submit'],
  eye: ['查看', 'View'],
  'eye-invisible': ['隐藏', 'Hide'],
  printer: ['打印', 'Print'],
  upload: ['上传', 'Upload'],
  download: ['下载', 'Download'],
  filter: ['筛选', 'Filter'],
  bell: ['消息', 'Notifications'],
  user: ['账号', 'Account'],
  'question-circle': ['说明', 'Help'],
  'info-circle': ['说明', 'Information'],
  reload: ['刷新', 'Reload'],
  copy: ['复制', 'Copy'],
  more: ['更多', 'More'],
  ellipsis: ['更多', 'More'],
  setting: ['设置', 'Settings'],
  logout: ['退出', 'Log out'],
  'menu-fold': ['收起菜单', 'Collapse the menu'],
  'menu-unfold': ['展开菜单', 'Expand the menu'],
};

const zh = () => !i18next.language?.startsWith('en');

/**
 * ARIA fixes for what antd renders, applied once for the whole console while the page changes (WCAG 4.1.2,
 * and no English read out in the Chinese UI):
 * - a required Form.Item gives its Select `aria-required`, which rc-select copies onto both the combobox
 *   input (right) and the wrapping div without a role (not allowed there): removed from the div;
 * - a required Radio.Group is a div without a role: it gets `role="radiogroup"`, which takes `aria-required`;
 * - icons are hidden from assistive technology, and so is a date range's arrow; an icon-only button or link
 *   is named by the icon's meaning;
 * - antd's English built-in names (select all, segmented control, spin buttons, tree) follow the language.
 */
export function patchAntdAria(root: ParentNode = document) {
  const fix = () => {
    root.querySelectorAll('.ant-select[aria-required]').forEach((el) => el.removeAttribute('aria-required'));
    root
      .querySelectorAll('.ant-radio-group:not([role])')
      .forEach((el) => el.setAttribute('role', 'radiogroup'));
    // A date range's arrow between its two (labelled) inputs is decoration; its `aria-label="to"` sits on a
    // span without a role, where names are not allowed.
    root.querySelectorAll('.ant-picker-separator[aria-label]').forEach((el) => {
      el.removeAttribute('aria-label');
      el.setAttribute('aria-hidden', 'true');
    });
    root.querySelectorAll<HTMLElement>('.anticon[role="img"][aria-label]').forEach((icon) => {
      const glyph = icon.getAttribute('aria-label')!;
      icon.removeAttribute('aria-label');
      icon.setAttribute('aria-hidden', 'true');
      icon.dataset.pcIcon = glyph;
    });
    root.querySelectorAll<HTMLElement>('[data-pc-icon]').forEach((icon) => {
      const control = icon.closest<HTMLElement>('button, a, [role="button"]');
      if (!control || control.textContent?.trim()) return;
      if (control.hasAttribute('aria-label') && !control.dataset.pcNamed) return;
      const meaning = ICON_MEANINGS[icon.dataset.pcIcon!];
      const name = meaning ? meaning[zh() ? 0 : 1] : undefined;
      if (name && control.getAttribute('aria-label') !== name) {
        control.setAttribute('aria-label', name);
        control.dataset.pcNamed = '1';
      }
    });
    root.querySelectorAll<HTMLElement>('[aria-label], [data-pc-name]').forEach((el) => {
      const original = el.dataset.pcName ?? el.getAttribute('aria-label')!;
      if (!(original in BUILT_IN_NAMES)) return;
      el.dataset.pcName = original;
      const name = zh() ? BUILT_IN_NAMES[original] : original;
      if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name);
    });
  };
  fix();
  // Fixed in the observer's own callback (one per batch of DOM changes, before the next paint): a frame
  // callback can be delayed on a busy machine, and meanwhile an icon reads out its English glyph name.
  // fix() is idempotent, so the attributes it changes come back here once and change nothing more.
  const observer = new MutationObserver(fix);
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['aria-required', 'aria-label'],
  });
  i18next.on('languageChanged', fix);
}
